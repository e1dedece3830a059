using System.Globalization;
using System.Text.Json;
using LlmStrategies.IO;

namespace LlmStrategies.Evaluation;

/// <summary>What every dataset reader shares: ids, the error-or-skip decision, JSON lines and how values are described in errors.</summary>
internal static class DatasetReading
{
    /// <summary>An id derived from the input, stable when records are reordered.</summary>
    public static string IdFromInput(string input) => "h" + ContentHash.Of(input)[..16];

    /// <summary>Fails listing every problem, or keeps the problems beside the items when <see cref="DatasetLoadOptions.SkipInvalid"/> is on.</summary>
    public static EvaluationDataset Finish(string name, List<EvaluationItem> items, IEnumerable<SourceDocument>? corpus, List<DatasetError> errors, DatasetLoadOptions options)
    {
        if (errors.Count > 0 && !options.SkipInvalid)
        {
            throw new DatasetFormatException(errors);
        }

        return new EvaluationDataset(name, items, corpus, errors);
    }

    /// <summary>Calls <paramref name="read"/> with every JSON object line of a file (blank lines are not records).</summary>
    public static void ReadJsonLines(string path, List<DatasetError> errors, Action<int, JsonElement> read)
    {
        foreach (var line in TextLines(path, errors))
        {
            if (string.IsNullOrWhiteSpace(line.Text) || !TryParseObject(path, line.Number, line.Text, errors, out var document))
            {
                continue;
            }

            using (document)
            {
                read(line.Number, document.RootElement);
            }
        }
    }

    /// <summary>The lines of a UTF-8 text file (a byte-order mark is skipped); a line that is not UTF-8 is reported, not decoded with replacement characters.</summary>
    public static IEnumerable<Utf8Line> TextLines(string path, List<DatasetError> errors)
    {
        foreach (var line in Utf8TextFile.ReadLines(path))
        {
            if (line.Text is null)
            {
                errors.Add(InvalidUtf8(path, line.Number, line.InvalidByte));
                continue;
            }

            yield return line;
        }
    }

    /// <summary>A whole UTF-8 text file's content (a byte-order mark is skipped), or an error naming the line that is not UTF-8.</summary>
    public static byte[] ReadUtf8(string path)
    {
        var bytes = Utf8TextFile.ReadAllBytes(path);
        if (Utf8TextFile.FindInvalid(bytes) is { } invalid)
        {
            throw new DatasetFormatException([InvalidUtf8(path, invalid.Line, invalid.Column)]);
        }

        return bytes;
    }

    /// <summary>A finite relevance grade, or an error (NaN, infinity and numbers beyond double such as 1e400 would poison every metric).</summary>
    public static double? FiniteGrade(string path, int line, string field, double grade, string written, List<DatasetError> errors)
    {
        if (double.IsFinite(grade))
        {
            return grade;
        }

        errors.Add(new DatasetError(path, line, field, $"the relevance grade {written} is not a finite number; write a grade such as 0, 1 or 2."));
        return null;
    }

    private static DatasetError InvalidUtf8(string path, int line, int column) =>
        new(path, line, null, string.Create(CultureInfo.InvariantCulture, $"the line is not valid UTF-8 (byte {column} of the line); save the file as UTF-8."));

    public static bool TryParseObject(string path, int line, string text, List<DatasetError> errors, out JsonDocument document)
    {
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            errors.Add(new DatasetError(path, line, null, $"the line is not valid JSON ({ex.Message}); each line must be one complete JSON object."));
            document = null!;
            return false;
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new DatasetError(path, line, null, $"the line is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object; write one {{...}} object per line."));
            document.Dispose();
            return false;
        }

        return true;
    }

    /// <summary>A record's id: a non-empty string or a number.</summary>
    public static string? RequiredId(string path, int line, JsonElement element, string field, List<DatasetError> errors)
    {
        if (element.TryGetProperty(field, out var id))
        {
            if (id.ValueKind == JsonValueKind.String && id.GetString()!.Length > 0)
            {
                return id.GetString();
            }

            if (id.ValueKind == JsonValueKind.Number)
            {
                return id.GetRawText();
            }
        }

        errors.Add(new DatasetError(path, line, field, $"the record has no non-empty '{field}'; every BEIR record needs an id."));
        return null;
    }

    /// <summary>A scalar JSON value as text.</summary>
    public static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };

    /// <summary>A JSON value as an error message shows it.</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Truncate(value.GetString()!)}\"",
        JsonValueKind.Null => "null",
        _ => $"{value.ValueKind.ToString().ToLowerInvariant()} {Truncate(value.GetRawText())}",
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "...";
}

/// <summary>Collects items, reporting a repeated id at the line (or JSON path) that repeats it, naming where it was first.</summary>
internal sealed class ItemCollector(string path, List<DatasetError> errors)
{
    private readonly Dictionary<string, (int Line, string? JsonPath)> _first = new(StringComparer.Ordinal);

    public List<EvaluationItem> Items { get; } = [];

    /// <summary>Adds an item read at <paramref name="line"/> (JSONL, CSV) or at <paramref name="jsonPath"/> (one-document JSON such as SQuAD).</summary>
    public void Add(EvaluationItem item, int line, string? jsonPath = null)
    {
        if (_first.TryGetValue(item.Id, out var first))
        {
            var where = first.JsonPath is not null ? $" (first at {first.JsonPath})"
                : first.Line > 0 ? string.Create(CultureInfo.InvariantCulture, $" (first on line {first.Line})")
                : string.Empty;
            errors.Add(new DatasetError(path, line, jsonPath is null ? "id" : jsonPath + ".id", $"id '{item.Id}' is used twice{where}; ids must be unique (without an id field the id is a hash of the input, so the input is repeated)."));
            return;
        }

        _first[item.Id] = (line, jsonPath);
        Items.Add(item);
    }
}
