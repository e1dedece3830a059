using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace LlmStrategies.Embeddings.Local.Tests.Unicode;

/// <summary>
/// Fixtures/Unicode/icu-normalization-reference.txt.gz: what .NET's ICU-backed <c>string.Normalize</c> (ICU 72,
/// Unicode 15.0) returned for every code point it changes and for a set of sequences, written by
/// tools/unicode-normalization/IcuSweep. Columns: input, NFC, NFD, NFKC, NFKD; an empty column means "same as the input".
/// </summary>
internal sealed class IcuNormalizationReference
{
    public static readonly NormalizationForm[] Forms = [NormalizationForm.FormC, NormalizationForm.FormD, NormalizationForm.FormKC, NormalizationForm.FormKD];

    private static readonly Lazy<IcuNormalizationReference> s_instance = new(Load);

    private IcuNormalizationReference(Dictionary<int, string[]> codePoints, List<int> rejected, List<string[]> sequences)
    {
        CodePoints = codePoints;
        Rejected = rejected;
        Sequences = sequences;
    }

    public static IcuNormalizationReference Instance => s_instance.Value;

    /// <summary>Code point -> [input, NFC, NFD, NFKC, NFKD] for every listed code point.</summary>
    public IReadOnlyDictionary<int, string[]> CodePoints { get; }

    /// <summary>Code points ICU rejects.</summary>
    public IReadOnlyList<int> Rejected { get; }

    /// <summary>[input, NFC, NFD, NFKC, NFKD] of each sequence.</summary>
    public IReadOnlyList<string[]> Sequences { get; }

    /// <summary>Whether the fixture lists Hangul syllable <paramref name="codePoint"/> (only a sample of them is listed).</summary>
    public static bool IsUnlistedHangulSyllable(int codePoint) =>
        codePoint is >= 0xAC00 and <= 0xD7A3 && (codePoint - 0xAC00) % 37 != 0 && codePoint != 0xD7A3;

    private static IcuNormalizationReference Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Unicode", "icu-normalization-reference.txt.gz");
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var codePoints = new Dictionary<int, string[]>();
        var rejected = new List<int>();
        var sequences = new List<string[]>();
        var section = string.Empty;
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line[0] == '@')
            {
                section = line;
                continue;
            }

            switch (section)
            {
                case "@codepoints":
                    var row = Row(line, path, lineNumber);
                    codePoints.Add(char.ConvertToUtf32(row[0], 0), row);
                    break;
                case "@rejected":
                    rejected.Add(int.Parse(line, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    break;
                case "@sequences":
                    sequences.Add(Row(line, path, lineNumber));
                    break;
                default:
                    throw new InvalidDataException($"{path} line {lineNumber}: data outside a section.");
            }
        }

        return new IcuNormalizationReference(codePoints, rejected, sequences);
    }

    private static string[] Row(string line, string path, int lineNumber)
    {
        var columns = line.Split(';');
        if (columns.Length != 5)
        {
            throw new InvalidDataException($"{path} line {lineNumber}: expected 5 columns, found {columns.Length}.");
        }

        var input = FromHex(columns[0]);
        return columns.Select(column => column.Length == 0 ? input : FromHex(column)).ToArray();
    }

    private static string FromHex(string hex) =>
        string.Concat(hex.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => char.ConvertFromUtf32(int.Parse(part, NumberStyles.HexNumber, CultureInfo.InvariantCulture))));
}
