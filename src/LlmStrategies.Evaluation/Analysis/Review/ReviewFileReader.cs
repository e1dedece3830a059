using System.Text.Json;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>A reviewed row as read from the file, with the line it starts on.</summary>
internal sealed record ReviewedRow(int Line, string Item, string Input, string GoldText, string? Prediction, string Verdict, IReadOnlyList<string> Correction, bool Example, string Reviewer, string Note);

/// <summary>Reads a filled-in review file (JSONL or CSV), collecting every malformed row with its file and line.</summary>
internal static class ReviewFileReader
{
    private static readonly string[] Required = ["item", "gold", "verdict", "correction", "example", "reviewer", "note"];

    public static List<ReviewedRow> Read(string path, List<DatasetError> errors)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The review file '{path}' does not exist.", path);
        }

        return Path.GetExtension(path).ToUpperInvariant() switch
        {
            ".JSONL" => ReadJsonl(path, errors),
            ".CSV" => ReadCsv(path, errors),
            _ => throw new ArgumentException($"Cannot tell the review format of '{path}': use a .jsonl or .csv file written by ReviewExport.", nameof(path)),
        };
    }

    private static List<ReviewedRow> ReadJsonl(string path, List<DatasetError> errors)
    {
        var rows = new List<ReviewedRow>();
        DatasetReading.ReadJsonLines(path, errors, (line, element) =>
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            var lists = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            var before = errors.Count;
            foreach (var property in element.EnumerateObject())
            {
                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.String:
                        fields[property.Name] = property.Value.GetString()!;
                        lists[property.Name] = [property.Value.GetString()!];
                        break;
                    case JsonValueKind.Null:
                        fields[property.Name] = string.Empty;
                        lists[property.Name] = [];
                        break;
                    case JsonValueKind.Array when property.Value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String):
                        lists[property.Name] = property.Value.EnumerateArray().Select(v => v.GetString()!).ToArray();
                        fields[property.Name] = string.Join(ReviewExport.AnswerSeparator, lists[property.Name]);
                        break;
                    case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                        fields[property.Name] = DatasetReading.Scalar(property.Value);
                        lists[property.Name] = [fields[property.Name]];
                        break;
                    default:
                        errors.Add(new DatasetError(path, line, property.Name, $"expected a string (or an array of strings), found {DatasetReading.Describe(property.Value)}."));
                        break;
                }
            }

            if (errors.Count == before && Row(path, line, fields, lists.GetValueOrDefault("correction") ?? [], errors) is { } row)
            {
                rows.Add(row);
            }
        });

        return rows;
    }

    private static List<ReviewedRow> ReadCsv(string path, List<DatasetError> errors)
    {
        var records = CsvRecordReader.Read(path, File.ReadAllText(path), errors);
        var rows = new List<ReviewedRow>();
        if (records.Count == 0)
        {
            errors.Add(new DatasetError(path, 1, null, "the file is empty; a review CSV starts with the header row written by ReviewExport."));
            return rows;
        }

        var header = records[0].Fields.Select(f => f.Trim()).ToArray();
        var missing = Required.Where(c => !header.Contains(c, StringComparer.Ordinal)).ToArray();
        if (missing.Length > 0)
        {
            errors.Add(new DatasetError(path, records[0].Line, null, $"the header lacks the column(s) {string.Join(", ", missing)}; keep the header row ReviewExport wrote."));
            return rows;
        }

        foreach (var (line, values) in records.Skip(1))
        {
            if (values.Count == 1 && values[0].Length == 0)
            {
                continue; // a blank line
            }

            if (values.Count != header.Length)
            {
                errors.Add(new DatasetError(path, line, null, $"the row has {values.Count} fields but the header has {header.Length}; quote fields that contain commas, quotes or line breaks."));
                continue;
            }

            var fields = header.Zip(values).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
            var correction = fields["correction"].Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (Row(path, line, fields, correction, errors) is { } row)
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    private static ReviewedRow? Row(string path, int line, Dictionary<string, string> fields, IReadOnlyList<string> correction, List<DatasetError> errors)
    {
        var before = errors.Count;
        foreach (var column in Required.Where(c => !fields.ContainsKey(c)))
        {
            errors.Add(new DatasetError(path, line, column, $"the row has no '{column}' field; keep every field ReviewExport wrote."));
        }

        if (errors.Count > before)
        {
            return null;
        }

        var item = fields["item"].Trim();
        if (item.Length == 0)
        {
            errors.Add(new DatasetError(path, line, "item", "the item id is empty; do not edit the item column."));
        }

        var verdict = fields["verdict"].Trim().ToLowerInvariant();
        if (verdict is not ("" or "ok" or "fix-gold" or "exclude"))
        {
            errors.Add(new DatasetError(path, line, "verdict", $"unknown verdict '{fields["verdict"]}'; use ok, fix-gold, exclude, or leave it empty for an item not reviewed."));
        }

        bool? example = fields["example"].Trim().ToLowerInvariant() switch
        {
            "" or "no" or "n" or "false" or "0" => false,
            "yes" or "y" or "true" or "1" => true,
            _ => null,
        };
        if (example is null)
        {
            errors.Add(new DatasetError(path, line, "example", $"'{fields["example"]}' is not yes or no; write yes to approve the item as a few-shot example."));
        }

        var cleaned = correction.Select(c => c.Trim()).Where(c => c.Length > 0).ToArray();
        return errors.Count > before
            ? null
            : new ReviewedRow(line, item, fields.GetValueOrDefault("input") ?? string.Empty, fields["gold"], fields.GetValueOrDefault("prediction") is { Length: > 0 } p ? p : null, verdict, cleaned, example!.Value, fields["reviewer"].Trim(), fields["note"].Trim());
    }
}
