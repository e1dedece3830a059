using System.Globalization;
using System.Text.Json;

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
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line) || !TryParseObject(path, lineNumber, line, errors, out var document))
            {
                continue;
            }

            using (document)
            {
                read(lineNumber, document.RootElement);
            }
        }
    }

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

/// <summary>Collects items, reporting a repeated id at the line that repeats it.</summary>
internal sealed class ItemCollector(string path, List<DatasetError> errors)
{
    private readonly Dictionary<string, int> _lines = new(StringComparer.Ordinal);

    public List<EvaluationItem> Items { get; } = [];

    public void Add(EvaluationItem item, int line)
    {
        if (_lines.TryGetValue(item.Id, out var first))
        {
            var where = first > 0 ? string.Create(CultureInfo.InvariantCulture, $" (first on line {first})") : string.Empty;
            errors.Add(new DatasetError(path, line, "id", $"id '{item.Id}' is used twice{where}; ids must be unique (without an id field the id is a hash of the input, so the input is repeated)."));
            return;
        }

        _lines[item.Id] = line;
        Items.Add(item);
    }
}
