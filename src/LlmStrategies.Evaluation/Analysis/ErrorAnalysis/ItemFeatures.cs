using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;
using LlmStrategies.Evaluation.Statistics;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// Automatic slicing features of an item, computed from its text alone: the question word, the input length bucket and
/// the gold answer's type. The answer type is a heuristic (patterns and capitalisation, English), named as such in reports.
/// </summary>
internal static partial class ItemFeatures
{
    public const string QuestionWordFeature = "question word";
    public const string LengthFeature = "input length";
    public const string AnswerTypeFeature = "answer type (heuristic)";

    private static readonly FrozenSet<string> QuestionWords = new[] { "what", "which", "who", "whom", "whose", "when", "where", "why", "how" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> Months = new[]
    {
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> NumberWords = new[]
    {
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen",
        "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty",
        "seventy", "eighty", "ninety", "hundred", "thousand", "million", "billion", "trillion", "dozen", "half", "percent",
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "and", "a", "about",
        "approximately", "over", "around", "nearly", "almost",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> NameConnectors = new[] { "of", "the", "de", "da", "del", "der", "van", "von", "and", "&", "la", "le", "du", "di", "bin", "al", "y" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The first question word of the input (what, which, who, when, where, why, how, "how many/much"), or "other".</summary>
    public static string QuestionWord(string input)
    {
        var words = Words(input);
        for (var i = 0; i < words.Length; i++)
        {
            if (!QuestionWords.Contains(words[i]))
            {
                continue;
            }

            return words[i] switch
            {
                "how" when i + 1 < words.Length && words[i + 1] is "many" or "much" => "how many/much",
                "whom" or "whose" => "who",
                _ => words[i],
            };
        }

        return "other";
    }

    /// <summary>number, date, name or other, from the first non-empty gold answer ("none" without one).</summary>
    public static string AnswerType(IReadOnlyList<string> gold)
    {
        var answer = gold.FirstOrDefault(g => !string.IsNullOrWhiteSpace(g))?.Trim();
        if (answer is null)
        {
            return "none";
        }

        var words = Words(answer);
        if (words.Length == 0)
        {
            return "other";
        }

        var hasDigit = answer.Any(char.IsAsciiDigit);
        if (YearLike().IsMatch(answer) || (words.Any(Months.Contains) && (hasDigit || words.Length <= 2)) || CenturyLike().IsMatch(answer))
        {
            return "date";
        }

        if ((hasDigit && NumberLike().IsMatch(answer)) || (words.All(NumberWords.Contains) && words.Any(w => w is not ("and" or "a" or "about" or "approximately" or "over" or "around" or "nearly" or "almost"))))
        {
            return "number";
        }

        var tokens = answer.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var content = tokens.Where(t => !NameConnectors.Contains(t.ToLowerInvariant())).ToArray();
        if (!hasDigit && content.Length is > 0 and <= 6 && content.All(StartsUpper))
        {
            return "name";
        }

        return "other";
    }

    /// <summary>Quartile buckets of the input lengths: each item's bucket label (empty buckets are skipped by construction).</summary>
    public static string[] LengthBuckets(IReadOnlyList<int> lengths, string unit)
    {
        if (lengths.Count == 0)
        {
            return [];
        }

        var sorted = lengths.Select(l => (double)l).Order().ToArray();
        var q1 = (int)Math.Floor(Bootstrap.Percentile(sorted, 0.25));
        var q2 = (int)Math.Floor(Bootstrap.Percentile(sorted, 0.50));
        var q3 = (int)Math.Floor(Bootstrap.Percentile(sorted, 0.75));
        string Label(int lower, int upper) => lower == upper
            ? string.Create(CultureInfo.InvariantCulture, $"{lower} {unit}")
            : string.Create(CultureInfo.InvariantCulture, $"{lower}–{upper} {unit}");
        return lengths.Select(l => l <= q1 ? string.Create(CultureInfo.InvariantCulture, $"≤ {q1} {unit}")
            : l <= q2 ? Label(q1 + 1, q2)
            : l <= q3 ? Label(q2 + 1, q3)
            : string.Create(CultureInfo.InvariantCulture, $"≥ {q3 + 1} {unit}")).ToArray();
    }

    private static bool StartsUpper(string token)
    {
        var letter = token.FirstOrDefault(char.IsLetterOrDigit);
        return char.IsUpper(letter);
    }

    private static string[] Words(string text) => WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value).ToArray();

    [GeneratedRegex(@"[\p{L}\p{N}&]+")]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"^(in |by |around |circa |c\. )?(1[0-9]{3}|20[0-9]{2})s?$", RegexOptions.IgnoreCase)]
    private static partial Regex YearLike();

    [GeneratedRegex(@"\b[0-9]{1,2}(st|nd|rd|th) century\b", RegexOptions.IgnoreCase)]
    private static partial Regex CenturyLike();

    [GeneratedRegex(@"^[\p{Sc}]?\s*[-+−]?[0-9][0-9,\.]*\s*(%|percent|per cent|million|billion|thousand|hundred|trillion|km|kilometres|kilometers|miles|m|kg|years|°[cf]?)?\.?$", RegexOptions.IgnoreCase)]
    private static partial Regex NumberLike();
}
