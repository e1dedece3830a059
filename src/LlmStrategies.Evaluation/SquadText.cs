using System.Text;

namespace LlmStrategies.Evaluation;

/// <summary>
/// The answer normalisation of the official SQuAD v1.1 evaluation script (<c>normalize_answer</c>), character for
/// character: <c>white_space_fix(remove_articles(remove_punc(lower(s))))</c> with Python's own Unicode semantics, read
/// off Python (see <see cref="SquadTextTables"/> and tools/squad-normalization):
/// <list type="bullet">
/// <item><c>str.lower()</c>: the full lowercase mapping (İ U+0130 becomes "i" + U+0307) and the Final_Sigma rule (Σ at
/// the end of a word becomes ς);</item>
/// <item><c>string.punctuation</c>: the 32 ASCII punctuation characters only;</item>
/// <item><c>re.sub(r'\b(a|an|the)\b', ' ', s)</c>: a word character is <c>str.isalnum()</c> or '_' — so ², ½, Ⅻ and
/// letters outside the BMP are word characters;</item>
/// <item><c>' '.join(s.split())</c>: whitespace is <c>str.isspace()</c>, which includes U+001C–U+001F.</item>
/// </list>
/// Text is handled as code points; a lone surrogate (which a Python string can hold too) is kept as it is.
/// </summary>
internal static class SquadText
{
    // Python's string.punctuation: !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~ (ASCII only; other Unicode punctuation stays).
    private const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private const int CapitalSigma = 0x3A3;
    private const int SmallSigma = 0x3C3;
    private const int FinalSigma = 0x3C2;

    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lowered = RemovePunctuation(Lower(CodePoints(text)));
        return string.Join(' ', Words(RemoveArticles(lowered)).Select(ToText));
    }

    /// <summary>The normalised text split on whitespace (the script's <c>normalize_answer(s).split()</c>).</summary>
    public static string[] NormalizedTokens(string text) => Words(CodePoints(Normalize(text))).Select(ToText).ToArray();

    /// <summary>The UTF-16 text as code points; a lone surrogate is one code point, as in Python.</summary>
    private static List<int> CodePoints(string text)
    {
        var points = new List<int>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                points.Add(char.ConvertToUtf32(text[i], text[i + 1]));
                i++;
            }
            else
            {
                points.Add(text[i]);
            }
        }

        return points;
    }

    private static string ToText(List<int> points)
    {
        var text = new StringBuilder(points.Count);
        foreach (var point in points)
        {
            if (point is >= 0xD800 and <= 0xDFFF)
            {
                text.Append((char)point);
            }
            else
            {
                text.Append(char.ConvertFromUtf32(point));
            }
        }

        return text.ToString();
    }

    /// <summary><c>str.lower()</c>: the full lowercase mapping, with U+03A3 decided by the Final_Sigma context.</summary>
    private static List<int> Lower(List<int> points)
    {
        var lowered = new List<int>(points.Count);
        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i];
            if (point == CapitalSigma)
            {
                lowered.Add(IsFinalSigma(points, i) ? FinalSigma : SmallSigma);
                continue;
            }

            var index = Array.BinarySearch(SquadTextTables.LowerKeys, point);
            if (index < 0)
            {
                lowered.Add(point);
                continue;
            }

            lowered.AddRange(CodePoints(SquadTextTables.LowerValues[index]));
        }

        return lowered;
    }

    /// <summary>
    /// Unicode's Final_Sigma, as CPython's <c>handle_capital_sigma</c> checks it: a cased character before the sigma
    /// (case-ignorable characters skipped), and no cased character after it (case-ignorable characters skipped).
    /// </summary>
    private static bool IsFinalSigma(List<int> points, int at)
    {
        var before = at - 1;
        while (before >= 0 && IsCaseIgnorable(points[before]))
        {
            before--;
        }

        if (before < 0 || !IsCased(points[before]))
        {
            return false;
        }

        var after = at + 1;
        while (after < points.Count && IsCaseIgnorable(points[after]))
        {
            after++;
        }

        return after == points.Count || !IsCased(points[after]);
    }

    private static bool IsCased(int point) => InRanges(SquadTextTables.CasedNotIgnorable, point);

    private static bool IsCaseIgnorable(int point) => InRanges(SquadTextTables.CaseIgnorableOrCased, point) && !IsCased(point);

    private static List<int> RemovePunctuation(List<int> points)
    {
        points.RemoveAll(p => p < 128 && Punctuation.Contains((char)p, StringComparison.Ordinal));
        return points;
    }

    /// <summary><c>re.sub(r'\b(a|an|the)\b', ' ', text)</c>: a maximal run of word characters equal to a, an or the becomes a space.</summary>
    private static List<int> RemoveArticles(List<int> points)
    {
        var result = new List<int>(points.Count);
        var i = 0;
        while (i < points.Count)
        {
            if (!IsWord(points[i]))
            {
                result.Add(points[i++]);
                continue;
            }

            var end = i;
            while (end < points.Count && IsWord(points[end]))
            {
                end++;
            }

            if (IsArticle(points, i, end - i))
            {
                result.Add(' ');
            }
            else
            {
                result.AddRange(points.GetRange(i, end - i));
            }

            i = end;
        }

        return result;
    }

    private static bool IsArticle(List<int> points, int start, int length) => length switch
    {
        1 => points[start] == 'a',
        2 => points[start] == 'a' && points[start + 1] == 'n',
        3 => points[start] == 't' && points[start + 1] == 'h' && points[start + 2] == 'e',
        _ => false,
    };

    /// <summary>The runs between Python whitespace (<c>str.split()</c>).</summary>
    private static List<List<int>> Words(List<int> points)
    {
        var words = new List<List<int>>();
        List<int>? word = null;
        foreach (var point in points)
        {
            if (InRanges(SquadTextTables.Whitespace, point))
            {
                word = null;
                continue;
            }

            if (word is null)
            {
                word = [];
                words.Add(word);
            }

            word.Add(point);
        }

        return words;
    }

    private static bool IsWord(int point) => InRanges(SquadTextTables.WordCharacters, point);

    /// <summary>Whether <paramref name="point"/> lies in one of the sorted inclusive (start, end) ranges.</summary>
    private static bool InRanges(int[] ranges, int point)
    {
        int low = 0, high = (ranges.Length / 2) - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            if (point < ranges[2 * middle])
            {
                high = middle - 1;
            }
            else if (point > ranges[(2 * middle) + 1])
            {
                low = middle + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }
}
