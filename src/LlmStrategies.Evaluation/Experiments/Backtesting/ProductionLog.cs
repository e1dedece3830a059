using System.Globalization;
using System.Text.Json;
using LlmStrategies.Evaluation;
using LlmStrategies.IO;

namespace LlmStrategies.Experiments;

/// <summary>
/// A JSONL log of production traffic: one object per line,
/// <c>{"id", "input", "output", "model"?, "latencyMs"?, "inputTokens"?, "outputTokens"?, "sources"?: [...], "expected"?: "..." | [...], "metrics"?: {"name": number}}</c>.
/// </summary>
public static class ProductionLog
{
    /// <summary>
    /// Loads a log. A last line cut short by a crash during a write (no line break and not valid JSON: what
    /// <c>JsonlCallLog</c> can leave behind) is skipped and reported in <see cref="ProductionLogContents.Notes"/>; every
    /// other malformed line is an error with its line, field and a fix.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The entries, in file order, with the notes.</returns>
    /// <exception cref="DatasetFormatException">A line is malformed (including invalid UTF-8, negative or non-finite numbers), or two lines share an id.</exception>
    public static ProductionLogContents Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var entries = new List<ProductionLogEntry>();
        var errors = new List<DatasetError>();
        var notes = new List<string>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in Utf8TextFile.ReadLines(path))
        {
            if (ReadLine(path, line, errors, notes) is not { } entry)
            {
                continue;
            }

            if (!ids.Add(entry.Id))
            {
                errors.Add(new DatasetError(path, line.Number, "id", $"id '{entry.Id}' appears twice; give every logged request a unique id."));
            }
            else
            {
                entries.Add(entry);
            }
        }

        if (errors.Count > 0)
        {
            throw new DatasetFormatException(errors);
        }

        return new ProductionLogContents(entries, notes);
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

    private static ProductionLogEntry? ReadLine(string path, Utf8Line line, List<DatasetError> errors, List<string> notes)
    {
        // Only the last line can lack its line break; when it is not a record either, a crash cut the write short.
        void Torn() => notes.Add(string.Create(CultureInfo.InvariantCulture, $"'{path}' line {line.Number}: the last line was cut short (no line break, not a complete record), probably by a crash during a write; it was skipped. Nothing to do."));
        if (line.Text is null)
        {
            if (line.Terminated)
            {
                errors.Add(new DatasetError(path, line.Number, null, string.Create(CultureInfo.InvariantCulture, $"the line is not valid UTF-8 (byte {line.InvalidByte} of the line); write the log as UTF-8.")));
            }
            else
            {
                Torn();
            }

            return null;
        }

        if (string.IsNullOrWhiteSpace(line.Text))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line.Text);
        }
        catch (JsonException ex)
        {
            if (line.Terminated)
            {
                errors.Add(new DatasetError(path, line.Number, null, $"the line is not valid JSON ({ex.Message}); write one JSON object per line."));
            }
            else
            {
                Torn();
            }

            return null;
        }

        using (document)
        {
            return new EntryReader(path, line.Number, document.RootElement, errors).Read();
        }
    }

    /// <summary>Reads one logged request, adding an error per malformed field.</summary>
    private readonly struct EntryReader(string path, int line, JsonElement root, List<DatasetError> errors)
    {
        public ProductionLogEntry? Read()
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new DatasetError(path, line, null, "the line is not a JSON object."));
                return null;
            }

            var before = errors.Count;
            var id = Text("id", required: true);
            var input = Text("input", required: true);
            var output = root.TryGetProperty("output", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString() : null;
            if (output is null)
            {
                errors.Add(new DatasetError(path, line, "output", "'output' is missing or not a string; log what the live strategy answered."));
            }

            var metrics = Metrics();
            var latency = Latency();
            var inputTokens = TokenCount("inputTokens");
            var outputTokens = TokenCount("outputTokens");
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
                InputTokens = inputTokens,
                OutputTokens = outputTokens,
                SourceIds = sources,
                ExpectedOutputs = expected,
                Metrics = metrics,
            };
        }

        private string? Text(string field, bool required)
        {
            if (root.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && (!required || value.GetString()!.Length > 0))
            {
                return value.GetString();
            }

            if (field == "id" && root.TryGetProperty(field, out var number) && number.ValueKind == JsonValueKind.Number)
            {
                return number.GetRawText();
            }

            if (required)
            {
                errors.Add(new DatasetError(path, line, field, $"'{field}' is missing or not a non-empty string; log every request's {field}."));
            }

            return null;
        }

        private double? Latency()
        {
            if (!root.TryGetProperty("latencyMs", out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var latency) && double.IsFinite(latency) && latency >= 0)
            {
                return latency;
            }

            errors.Add(new DatasetError(path, line, "latencyMs", $"'latencyMs' must be a finite number of milliseconds, zero or more; found {value.GetRawText()}."));
            return null;
        }

        private long TokenCount(string field)
        {
            if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return 0;
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var count) && count >= 0)
            {
                return count;
            }

            errors.Add(new DatasetError(path, line, field, string.Create(CultureInfo.InvariantCulture, $"'{field}' must be a whole number of tokens from 0 to {long.MaxValue}; found {value.GetRawText()}.")));
            return 0;
        }

        private List<string> Strings(string field)
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

        private Dictionary<string, double> Metrics()
        {
            var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            if (!root.TryGetProperty("metrics", out var m) || m.ValueKind != JsonValueKind.Object)
            {
                return metrics;
            }

            foreach (var metric in m.EnumerateObject())
            {
                if (metric.Value.ValueKind == JsonValueKind.Number && metric.Value.TryGetDouble(out var number) && double.IsFinite(number))
                {
                    metrics[metric.Name] = number;
                }
                else if (metric.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    metrics[metric.Name] = metric.Value.ValueKind == JsonValueKind.True ? 1 : 0;
                }
                else
                {
                    errors.Add(new DatasetError(path, line, "metrics." + metric.Name, $"logged metrics must be finite numbers or Booleans; found {metric.Value.GetRawText()}."));
                }
            }

            return metrics;
        }
    }
}
