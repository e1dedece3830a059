using System.Text;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// The Unicode script of a text's letters, by code-point block (Latin, Greek, Cyrillic, Hebrew, Arabic, Devanagari, Thai,
/// Hangul, Kana, Han...). A script mix, not language identification: it cannot tell English from German. Digits,
/// punctuation and symbols are ignored; a text without letters is "none".
/// </summary>
internal static class ScriptClassifier
{
    public const string None = "none";

    /// <summary>A script that has at least this share of a text's letters counts towards "mixed". Not tuned: one letter in ten, so a single foreign name in a sentence does not make it mixed.</summary>
    public const double MixedShare = 0.10;

    private static readonly string[] Names = ["Latin", "Greek", "Cyrillic", "Armenian", "Hebrew", "Arabic", "Devanagari", "Bengali", "Thai", "Hangul", "Kana", "Han", "other"];

    /// <summary>The dominant script (ties: the one listed first) and whether a second script has at least <see cref="MixedShare"/> of the letters.</summary>
    public static (string Script, bool Mixed) Classify(string text)
    {
        Span<int> counts = stackalloc int[Names.Length];
        var letters = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetter(rune))
            {
                counts[Index(rune.Value)]++;
                letters++;
            }
        }

        if (letters == 0)
        {
            return (None, false);
        }

        var best = 0;
        var significant = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] > counts[best])
            {
                best = i;
            }

            if (counts[i] >= MixedShare * letters)
            {
                significant++;
            }
        }

        return (Names[best], significant > 1);
    }

    private static int Index(int c) => c switch
    {
        <= 0x024F or (>= 0x1E00 and <= 0x1EFF) or (>= 0x2C60 and <= 0x2C7F) or (>= 0xA720 and <= 0xA7FF) or (>= 0xFF21 and <= 0xFF5A) => 0,
        (>= 0x0370 and <= 0x03FF) or (>= 0x1F00 and <= 0x1FFF) => 1,
        (>= 0x0400 and <= 0x052F) or (>= 0x2DE0 and <= 0x2DFF) or (>= 0xA640 and <= 0xA69F) => 2,
        >= 0x0530 and <= 0x058F => 3,
        >= 0x0590 and <= 0x05FF => 4,
        (>= 0x0600 and <= 0x06FF) or (>= 0x0750 and <= 0x077F) or (>= 0x08A0 and <= 0x08FF) or (>= 0xFB50 and <= 0xFDFF) or (>= 0xFE70 and <= 0xFEFF) => 5,
        >= 0x0900 and <= 0x097F => 6,
        >= 0x0980 and <= 0x09FF => 7,
        >= 0x0E00 and <= 0x0E7F => 8,
        (>= 0x1100 and <= 0x11FF) or (>= 0x3130 and <= 0x318F) or (>= 0xAC00 and <= 0xD7AF) => 9,
        (>= 0x3040 and <= 0x30FF) or (>= 0x31F0 and <= 0x31FF) or (>= 0xFF66 and <= 0xFF9F) => 10,
        (>= 0x3400 and <= 0x4DBF) or (>= 0x4E00 and <= 0x9FFF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x20000 and <= 0x2FA1F) => 11,
        _ => 12,
    };
}
