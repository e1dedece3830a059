using System.Text.RegularExpressions;

namespace LlmStrategies.Text;

/// <summary>
/// Splits text into sentences: after '.', '!' or '?' followed by white space and an uppercase letter, digit, quote or
/// bracket, and at line breaks. Simple and deterministic; abbreviations like "Dr. Smith" are split.
/// </summary>
internal static partial class SentenceSplitter
{
    /// <summary>Returns the sentences of <paramref name="text"/> as ranges, trimmed of surrounding white space, skipping empty ones.</summary>
    public static List<Range> Split(string text, int start = 0, int length = -1)
    {
        var end = length < 0 ? text.Length : start + length;
        var sentences = new List<Range>();
        var from = start;
        foreach (var boundary in Boundary().EnumerateMatches(text.AsSpan(start, end - start)))
        {
            Add(text, sentences, from, start + boundary.Index);
            from = start + boundary.Index + boundary.Length;
        }

        Add(text, sentences, from, end);
        return sentences;
    }

    private static void Add(string text, List<Range> sentences, int from, int to)
    {
        while (from < to && char.IsWhiteSpace(text[from]))
        {
            from++;
        }

        while (to > from && char.IsWhiteSpace(text[to - 1]))
        {
            to--;
        }

        if (to > from)
        {
            sentences.Add(from..to);
        }
    }

    [GeneratedRegex(@"(?<=[.!?])\s+(?=[\p{Lu}\p{N}""'(\[])|\s*\n\s*", RegexOptions.CultureInvariant)]
    private static partial Regex Boundary();
}
