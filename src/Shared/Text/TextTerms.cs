using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using LlmStrategies.Text.Unicode;

namespace LlmStrategies.Text;

/// <summary>
/// A small, deterministic English term analysis (lowercase letter/digit runs, stop words removed, plural "s" folded)
/// used by the extractive baseline. Retrieval has its own, fuller analyzer.
/// </summary>
internal static class TextTerms
{
    // A short, common English stop list (articles, pronouns, auxiliaries, prepositions, question words).
    private static readonly FrozenSet<string> StopWords = new[]
    {
        "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "did", "do", "does", "for",
        "from", "had", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not",
        "of", "on", "or", "our", "she", "he", "so", "such", "than", "that", "the", "their", "them", "then", "there",
        "these", "they", "this", "those", "to", "was", "we", "were", "what", "when", "where", "which", "who", "whom",
        "why", "will", "with", "would", "you", "your", "about", "after", "before", "many", "much", "any", "all",
        "should", "shall", "may", "might", "must", "also", "only", "own", "same", "very", "s", "t",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Returns the content terms of <paramref name="text"/>, in order, with duplicates.</summary>
    public static List<string> ContentTerms(string text)
    {
        var terms = new List<string>();
        var word = new StringBuilder();
        foreach (var c in UnicodeNormalizer.NormalizeNfkc(text))
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
            else
            {
                Flush(word, terms);
            }
        }

        Flush(word, terms);
        return terms;
    }

    /// <summary>
    /// Returns <paramref name="text"/> as lowercase letter/digit words (after NFKC) separated by single spaces, with no
    /// leading or trailing space: the form the leakage guard and the blocked-terms filter compare.
    /// </summary>
    public static string NormalizeWords(string text)
    {
        var result = new StringBuilder(text.Length);
        var space = true;
        foreach (var c in UnicodeNormalizer.NormalizeNfkc(text))
        {
            if (char.IsLetterOrDigit(c))
            {
                result.Append(char.ToLower(c, CultureInfo.InvariantCulture));
                space = false;
            }
            else if (!space)
            {
                result.Append(' ');
                space = true;
            }
        }

        return result.ToString().TrimEnd();
    }

    /// <summary>Counts word and punctuation pieces: a rough, provider-independent token estimate for usage reporting.</summary>
    public static int EstimateTokens(string text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                if (!inWord)
                {
                    count++;
                    inWord = true;
                }
            }
            else
            {
                inWord = false;
                if (!char.IsWhiteSpace(c))
                {
                    count++;
                }
            }
        }

        return count;
    }

    private static void Flush(StringBuilder word, List<string> terms)
    {
        if (word.Length == 0)
        {
            return;
        }

        var term = word.ToString();
        word.Clear();
        if (StopWords.Contains(term))
        {
            return;
        }

        // Fold simple plurals so "routers" matches "router"; keep short words and "-ss" endings intact.
        if (term.Length > 3 && term[^1] == 's' && term[^2] != 's' && !char.IsDigit(term[^2]))
        {
            term = term[..^1];
        }

        terms.Add(term.ToString(CultureInfo.InvariantCulture));
    }
}
