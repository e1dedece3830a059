using System.Globalization;
using System.Text.Json;
using LlmStrategies.Evaluation;

namespace LlmStrategies.Experiments;

/// <summary>
/// A JSONL log of production traffic: one object per line,
/// <c>{"id", "input", "output", "model"?, "latencyMs"?, "inputTokens"?, "outputTokens"?, "sources"?: [...], "expected"?: "..." | [...], "metrics"?: {"name": number}}</c>.
/// </summary>
public static class ProductionLog
{
    /// <summary>Loads a log. Every malformed line is reported with its line, field and a fix.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The entries, in file order.</returns>
    /// <exception cref="DatasetFormatException">A line is malformed, or two lines share an id.</exception>
    public static IReadOnlyList<ProductionLogEntry> Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var entries = new List<ProductionLogEntry>();
        var errors = new List<DatasetError>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(line);
                var entry = Read(path, lineNumber, document.RootElement, errors);
                if (entry is not null && !ids.Add(entry.Id))
                {
                    errors.Add(new DatasetError(path, lineNumber, "id", $"id '{entry.Id}' appears twice; give every logged request a unique id."));
                }
                else if (entry is not null)
                {
                    entries.Add(entry);
                }
            }
            catch (JsonException ex)
            {
                errors.Add(new DatasetError(path, lineNumber, null, $"the line is not valid JSON ({ex.Message}); write one JSON object per line."));
            }
        }

        if (errors.Count > 0)
        {
            throw new DatasetFormatException(errors);
        }

        return entries;
    }

    private static ProductionLogEntry? Read(string path, int line, JsonElement root, List<DatasetError> errors)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new DatasetError(path, line, null, "the line is not a JSON object."));
            return null;
        }

        var before = errors.Count;
        string? Text(string field, bool required)
        {
            if (root.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && (!required || value.GetString()!.Length > 0))
            {
                return value.GetString();
            }

            if (root.TryGetProperty(field, out var number) && number.ValueKind == JsonValueKind.Number && field == "id")
            {
                return number.GetRawText();
            }

            if (required)
            {
                errors.Add(new DatasetError(path, line, field, $"'{field}' is missing or not a non-empty string; log every request's {field}."));
            }

            return null;
        }

        double? Number(string field)
        {
            if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind != JsonValueKind.Number)
            {
                errors.Add(new DatasetError(path, line, field, $"'{field}' must be a number."));
                return null;
            }

            return value.GetDouble();
        }

        List<string> Strings(string field)
        {
            var list = new List<string>();
            if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return list;
            }

            if (value.ValueKind == JsonValueKind.String)
            {
                list.Add(value.GetString()!);
            }
            else if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String))
            {
                list.AddRange(value.EnumerateArray().Select(v => v.GetString()!));
            }
            else
            {
                errors.Add(new DatasetError(path, line, field, $"'{field}' must be a string or an array of strings."));
            }

            return list;
        }

        var id = Text("id", required: true);
        var input = Text("input", required: true);
        var output = root.TryGetProperty("output", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
        if (output is null)
        {
            errors.Add(new DatasetError(path, line, "output", "'output' is missing or not a string; log what the live strategy answered."));
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (root.TryGetProperty("metrics", out var m) && m.ValueKind == JsonValueKind.Object)
        {
            foreach (var metric in m.EnumerateObject())
            {
                if (metric.Value.ValueKind == JsonValueKind.Number)
                {
                    metrics[metric.Name] = metric.Value.GetDouble();
                }
                else if (metric.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    metrics[metric.Name] = metric.Value.ValueKind == JsonValueKind.True ? 1 : 0;
                }
                else
                {
                    errors.Add(new DatasetError(path, line, "metrics." + metric.Name, "logged metrics must be numbers or Booleans."));
                }
            }
        }

        var latency = Number("latencyMs");
        var inputTokens = Number("inputTokens");
        var outputTokens = Number("outputTokens");
        var sources = Strings("sources");
        var expected = Strings("expected");
        if (errors.Count > before)
        {
            return null;
        }

        return new ProductionLogEntry
        {
            Id = id!,
            Input = input!,
            Output = output!,
            Model = Text("model", required: false),
            LatencyMs = latency,
            InputTokens = (long)(inputTokens ?? 0),
            OutputTokens = (long)(outputTokens ?? 0),
            SourceIds = sources,
            ExpectedOutputs = expected,
            Metrics = metrics,
        };
    }

    /// <summary>The log's entries as a dataset (inputs and any reference outputs), for the experiment runner.</summary>
    internal static EvaluationDataset ToDataset(string name, IReadOnlyList<ProductionLogEntry> entries) =>
        new(name, entries.Select(e => new EvaluationItem { Id = e.Id, Input = e.Input, ExpectedOutputs = e.ExpectedOutputs }));

    internal static string Fingerprint(IReadOnlyList<ProductionLogEntry> entries)
    {
        using var hash = new ContentHash();
        foreach (var e in entries)
        {
            hash.Add(e.Id).Add(e.Input).Add(e.Output).Add(e.Model).Add(e.LatencyMs?.ToString("R", CultureInfo.InvariantCulture));
        }

        return hash.Finish();
    }
}
