using System.Collections.Frozen;
using System.Globalization;

namespace LlmStrategies.Monitoring.Drift;

/// <summary>
/// A small, deterministic language guess for drift monitoring (not for routing): the dominant script, and for Latin
/// script the language whose most common function words occur most. Returns an ISO 639-1 code or "und" (undetermined).
/// </summary>
internal static class LanguageGuess
{
    private static readonly (string Language, FrozenSet<string> Words)[] LatinProfiles =
    [
        ("en", new[] { "the", "and", "is", "of", "to", "in", "what", "how", "you", "for", "my", "does", "with", "can" }.ToFrozenSet(StringComparer.Ordinal)),
        ("de", new[] { "der", "die", "das", "und", "ist", "nicht", "ich", "wie", "was", "mit", "ein", "eine", "für", "kann" }.ToFrozenSet(StringComparer.Ordinal)),
        ("fr", new[] { "le", "la", "les", "et", "est", "un", "une", "des", "comment", "que", "pour", "je", "pas", "avec" }.ToFrozenSet(StringComparer.Ordinal)),
        ("es", new[] { "el", "la", "los", "las", "y", "es", "un", "una", "que", "cómo", "para", "con", "por", "qué" }.ToFrozenSet(StringComparer.Ordinal)),
        ("it", new[] { "il", "lo", "la", "gli", "e", "è", "un", "una", "che", "come", "per", "con", "non", "di" }.ToFrozenSet(StringComparer.Ordinal)),
        ("nl", new[] { "de", "het", "een", "en", "is", "van", "niet", "hoe", "wat", "voor", "met", "ik", "kan", "mijn" }.ToFrozenSet(StringComparer.Ordinal)),
    ];

    public static string Guess(string text)
    {
        int latin = 0, cyrillic = 0, greek = 0, cjk = 0, kana = 0, hangul = 0, arabic = 0, hebrew = 0, devanagari = 0;
        foreach (var c in text)
        {
            switch (c)
            {
                case >= 'A' and <= 'z' or >= '\u00C0' and <= '\u024F': latin++; break;
                case >= '\u0400' and <= '\u04FF': cyrillic++; break;
                case >= '\u0370' and <= '\u03FF': greek++; break;
                case >= '\u3040' and <= '\u30FF': kana++; break;
                case >= '\u4E00' and <= '\u9FFF': cjk++; break;
                case >= '\uAC00' and <= '\uD7AF': hangul++; break;
                case >= '\u0600' and <= '\u06FF': arabic++; break;
                case >= '\u0590' and <= '\u05FF': hebrew++; break;
                case >= '\u0900' and <= '\u097F': devanagari++; break;
            }
        }

        var scripts = new (string Language, int Count)[]
        {
            ("latin", latin), ("ru", cyrillic), ("el", greek), ("ja", kana), ("zh", cjk), ("ko", hangul), ("ar", arabic), ("he", hebrew), ("hi", devanagari),
        };
        var (script, count) = scripts.MaxBy(s => s.Count);
        if (count == 0)
        {
            return "und";
        }

        if (script == "zh" && kana > 0)
        {
            return "ja";
        }

        if (script != "latin")
        {
            return script;
        }

        var words = text.ToLower(CultureInfo.InvariantCulture).Split([' ', '\t', '\n', ',', '.', '?', '!', ';', ':', '"', '(', ')'], StringSplitOptions.RemoveEmptyEntries);
        var best = "und";
        var bestHits = 0;
        foreach (var (language, profile) in LatinProfiles)
        {
            var hits = words.Count(profile.Contains);
            if (hits > bestHits)
            {
                best = language;
                bestHits = hits;
            }
        }

        return best;
    }
}
