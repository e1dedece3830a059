using System.Text.Json;
using static LlmStrategies.Evaluation.DatasetReading;

namespace LlmStrategies.Evaluation;

/// <summary>Reads JSONL datasets: one JSON object per line, with the field names of <see cref="DatasetLoadOptions"/>.</summary>
internal static class JsonlDatasetReader
{
    public static EvaluationDataset Load(string path, DatasetLoadOptions options)
    {
        var errors = new List<DatasetError>();
        var items = new ItemCollector(path, errors);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        ReadJsonLines(path, errors, (line, element) =>
        {
            foreach (var property in element.EnumerateObject())
            {
                seen.Add(property.Name);
            }

            if (ReadItem(path, line, element, options, errors) is { } item)
            {
                items.Add(item, line);
            }
        });

        ThrowIfUnknownFields(path, options, seen);
        return Finish(options.Name ?? Path.GetFileNameWithoutExtension(path), items.Items, corpus: null, errors, options);
    }

    /// <summary>A field option changed from its default to a name that no record has is a typo: fail naming the fields that exist.</summary>
    private static void ThrowIfUnknownFields(string path, DatasetLoadOptions options, HashSet<string> seen)
    {
        if (seen.Count == 0)
        {
            return;
        }

        var unknown = options.ChosenOptionalFields().Where(f => !seen.Contains(f.Field)).ToArray();
        if (unknown.Length > 0)
        {
            var fields = string.Join(", ", seen.Order(StringComparer.Ordinal));
            throw new DatasetFormatException(unknown.Select(f => new DatasetError(path, 0, f.Field, $"DatasetLoadOptions.{f.Option} is '{f.Field}', but no record has a field of that name; the records' fields are: {fields}. Correct the option (or the data).")).ToList());
        }
    }

    private static EvaluationItem? ReadItem(string path, int line, JsonElement element, DatasetLoadOptions options, List<DatasetError> errors)
    {
        var before = errors.Count;
        var input = ReadInput(path, line, element, options, errors);
        var id = ReadId(path, line, element, options, errors);
        var expected = ReadExpected(path, line, element, options, errors);
        if (options.RequireExpected && errors.Count == before && expected.All(string.IsNullOrWhiteSpace))
        {
            errors.Add(new DatasetError(path, line, options.ExpectedField, $"the record has no non-empty '{options.ExpectedField}'; add the expected output(s), or set RequireExpected = false for retrieval-only data."));
        }

        var label = ReadLabel(path, line, element, options, errors);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var relevant = new Dictionary<string, double>(StringComparer.Ordinal);
        ReadOtherFields(path, line, element, options, metadata, relevant, errors);
        if (errors.Count > before || input is null)
        {
            return null;
        }

        return new EvaluationItem
        {
            Id = id ?? IdFromInput(input),
            Input = input,
            ExpectedOutputs = expected,
            Label = label,
            Metadata = metadata,
            RelevantDocuments = relevant,
        };
    }

    private static string? ReadInput(string path, int line, JsonElement element, DatasetLoadOptions options, List<DatasetError> errors)
    {
        if (!element.TryGetProperty(options.InputField, out var inputElement))
        {
            errors.Add(new DatasetError(path, line, options.InputField, $"the record has no '{options.InputField}' field; add the input text or set DatasetLoadOptions.InputField."));
            return null;
        }

        if (inputElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(inputElement.GetString()))
        {
            errors.Add(new DatasetError(path, line, options.InputField, $"the input must be a non-empty string, found {Describe(inputElement)}."));
            return null;
        }

        return inputElement.GetString()!;
    }

    private static string? ReadId(string path, int line, JsonElement element, DatasetLoadOptions options, List<DatasetError> errors)
    {
        if (!element.TryGetProperty(options.IdField, out var idElement))
        {
            return null;
        }

        var id = idElement.ValueKind switch
        {
            JsonValueKind.String when idElement.GetString()!.Length > 0 => idElement.GetString(),
            JsonValueKind.Number => idElement.GetRawText(),
            _ => null,
        };
        if (id is null)
        {
            errors.Add(new DatasetError(path, line, options.IdField, $"the id must be a non-empty string or a number, found {Describe(idElement)}."));
        }

        return id;
    }

    private static List<string> ReadExpected(string path, int line, JsonElement element, DatasetLoadOptions options, List<DatasetError> errors)
    {
        var expected = new List<string>();
        if (!element.TryGetProperty(options.ExpectedField, out var expectedElement))
        {
            return expected;
        }

        if (expectedElement.ValueKind == JsonValueKind.String)
        {
            expected.Add(expectedElement.GetString()!);
        }
        else if (expectedElement.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var answer in expectedElement.EnumerateArray())
            {
                if (answer.ValueKind != JsonValueKind.String)
                {
                    errors.Add(new DatasetError(path, line, $"{options.ExpectedField}[{i}]", $"every expected output must be a string, found {Describe(answer)}."));
                }
                else
                {
                    expected.Add(answer.GetString()!);
                }

                i++;
            }
        }
        else
        {
            errors.Add(new DatasetError(path, line, options.ExpectedField, $"the expected output must be a string or an array of strings, found {Describe(expectedElement)}."));
        }

        return expected;
    }

    private static string? ReadLabel(string path, int line, JsonElement element, DatasetLoadOptions options, List<DatasetError> errors)
    {
        if (!element.TryGetProperty(options.LabelField, out var labelElement) || labelElement.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (labelElement.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
        {
            return Scalar(labelElement);
        }

        errors.Add(new DatasetError(path, line, options.LabelField, $"the label must be a string, number or Boolean, found {Describe(labelElement)}."));
        return null;
    }

    /// <summary>The metadata object, the relevance judgments, and every other scalar field (which becomes metadata).</summary>
    private static void ReadOtherFields(string path, int line, JsonElement element, DatasetLoadOptions options, Dictionary<string, string> metadata, Dictionary<string, double> relevant, List<DatasetError> errors)
    {
        foreach (var property in element.EnumerateObject())
        {
            var name = property.Name;
            if (name == options.InputField || name == options.IdField || name == options.ExpectedField || name == options.LabelField)
            {
                continue;
            }

            if (name == options.MetadataField)
            {
                ReadMetadata(path, line, name, property.Value, metadata, errors);
            }
            else if (name == options.RelevantField)
            {
                ReadJudgments(path, line, name, property.Value, relevant, errors);
            }
            else if (property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            {
                metadata[name] = Scalar(property.Value);
            }
        }
    }

    private static void ReadMetadata(string path, int line, string field, JsonElement value, Dictionary<string, string> metadata, List<DatasetError> errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new DatasetError(path, line, field, $"metadata must be an object of scalar values, found {Describe(value)}."));
            return;
        }

        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                errors.Add(new DatasetError(path, line, $"{field}.{entry.Name}", $"metadata values must be scalars (string, number, Boolean), found {Describe(entry.Value)}."));
            }
            else if (entry.Value.ValueKind != JsonValueKind.Null)
            {
                metadata[entry.Name] = Scalar(entry.Value);
            }
        }
    }

    private static void ReadJudgments(string path, int line, string field, JsonElement value, Dictionary<string, double> relevant, List<DatasetError> errors)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var id in value.EnumerateArray())
            {
                if (id.ValueKind != JsonValueKind.String || id.GetString()!.Length == 0)
                {
                    errors.Add(new DatasetError(path, line, $"{field}[{i}]", $"relevant document ids must be non-empty strings, found {Describe(id)}."));
                }
                else
                {
                    relevant[id.GetString()!] = 1;
                }

                i++;
            }
        }
        else if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var entry in value.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.Number)
                {
                    errors.Add(new DatasetError(path, line, $"{field}.{entry.Name}", $"the relevance grade must be a number such as 1 or 2, found {Describe(entry.Value)}."));
                }
                else if (FiniteGrade(path, line, $"{field}.{entry.Name}", entry.Value.TryGetDouble(out var grade) ? grade : double.PositiveInfinity, entry.Value.GetRawText(), errors) is { } finite)
                {
                    relevant[entry.Name] = finite;
                }
            }
        }
        else
        {
            errors.Add(new DatasetError(path, line, field, $"judgments must be an object of document id → grade or an array of document ids, found {Describe(value)}."));
        }
    }
}
