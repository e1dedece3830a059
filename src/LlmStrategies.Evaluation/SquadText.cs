using System.Text;

namespace LlmStrategies.Evaluation;

/// <summary>
/// The answer normalisation of the official SQuAD v1.1 evaluation script (<c>normalize_answer</c>): lowercase, remove
/// every character of Python's <c>string.punctuation</c>, replace the whole words a/an/the by a space, collapse
/// whitespace. Applied in the script's order: <c>white_space_fix(remove_articles(remove_punc(lower(s))))</c>.
/// </summary>
internal static class SquadText
{
    // Python's string.punctuation: !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~ (ASCII only; other Unicode punctuation stays).
    private const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    public static string Normalize(string text)
    {
        var lower = text.ToLowerInvariant();
        var withoutPunctuation = new StringBuilder(lower.Length);
        foreach (var c in lower)
        {
            if (Punctuation.IndexOf(c, StringComparison.Ordinal) < 0)
            {
                withoutPunctuation.Append(c);
            }
        }

        return string.Join(' ', Tokens(RemoveArticles(withoutPunctuation.ToString())));
    }

    /// <summary>The normalised text split on whitespace (the script's <c>normalize_answer(s).split()</c>).</summary>
    public static string[] NormalizedTokens(string text) => Tokens(Normalize(text));

    private static string[] Tokens(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    /// <summary><c>re.sub(r'\b(a|an|the)\b', ' ', text)</c>: a word boundary is a change between word characters (letters, digits, underscore) and others.</summary>
    private static string RemoveArticles(string text)
    {
        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (IsWord(text[i]) && (i == 0 || !IsWord(text[i - 1])))
            {
                var end = i;
                while (end < text.Length && IsWord(text[end]))
                {
                    end++;
                }

                var word = text.AsSpan(i, end - i);
                if (word is "a" or "an" or "the")
                {
                    result.Append(' ');
                }
                else
                {
                    result.Append(word);
                }

                i = end;
            }
            else
            {
                result.Append(text[i]);
                i++;
            }
        }

        return result.ToString();
    }

    private static bool IsWord(char c) => char.IsLetterOrDigit(c) || c == '_';
}
