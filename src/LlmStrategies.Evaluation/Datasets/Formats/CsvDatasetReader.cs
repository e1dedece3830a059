using static LlmStrategies.Evaluation.DatasetReading;

namespace LlmStrategies.Evaluation;

/// <summary>Reads CSV datasets (RFC 4180) whose first row names the columns.</summary>
internal static class CsvDatasetReader
{
    public static EvaluationDataset Load(string path, DatasetLoadOptions options)
    {
        var errors = new List<DatasetError>();
        var records = CsvRecordReader.Read(path, LlmStrategies.IO.Utf8TextFile.Decode(ReadUtf8(path)), errors);
        if (records.Count == 0)
        {
            throw new DatasetFormatException([new DatasetError(path, 0, null, "the file has no header row; the first row must name the columns, including '" + options.InputField + "'.")]);
        }

        var columns = Columns.Of(path, records[0].Line, records[0].Fields, options);
        var items = new ItemCollector(path, errors);
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // an empty line
            }

            if (ReadItem(path, line, fields, columns, options, errors) is { } item)
            {
                items.Add(item, line);
            }
        }

        return Finish(options.Name ?? Path.GetFileNameWithoutExtension(path), items.Items, corpus: null, errors, options);
    }

    private static EvaluationItem? ReadItem(string path, int line, List<string> fields, Columns columns, DatasetLoadOptions options, List<DatasetError> errors)
    {
        var header = columns.Header;
        if (fields.Count != header.Count)
        {
            errors.Add(new DatasetError(path, line, null, $"the record has {fields.Count} fields but the header has {header.Count}; quote fields that contain commas (\"a, b\") and double quotes inside them (\"\")."));
            return null;
        }

        var input = fields[columns.Input];
        if (string.IsNullOrWhiteSpace(input))
        {
            errors.Add(new DatasetError(path, line, options.InputField, "the input is empty; every item needs an input."));
            return null;
        }

        var expected = columns.Expected < 0 || fields[columns.Expected].Length == 0
            ? []
            : fields[columns.Expected].Split(options.CsvAnswerSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (expected.Length == 0 && options.RequireExpected)
        {
            errors.Add(new DatasetError(path, line, options.ExpectedField, "the expected output is empty; fill it in (several answers separated by '" + options.CsvAnswerSeparator + "'), or set RequireExpected = false."));
            return null;
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            if (i != columns.Input && i != columns.Id && i != columns.Expected && i != columns.Label)
            {
                metadata[header[i].Trim()] = fields[i];
            }
        }

        return new EvaluationItem
        {
            Id = columns.Id >= 0 && fields[columns.Id].Length > 0 ? fields[columns.Id] : IdFromInput(input),
            Input = input,
            ExpectedOutputs = expected,
            Label = columns.Label >= 0 && fields[columns.Label].Length > 0 ? fields[columns.Label] : null,
            Metadata = metadata,
        };
    }

    /// <summary>Where each known field is in a record (-1 when the header lacks it).</summary>
    private sealed record Columns(List<string> Header, int Input, int Id, int Expected, int Label)
    {
        public static Columns Of(string path, int line, List<string> header, DatasetLoadOptions options)
        {
            var column = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < header.Count; i++)
            {
                if (!column.TryAdd(header[i].Trim(), i))
                {
                    throw new DatasetFormatException([new DatasetError(path, line, header[i], "the header names this column twice; give every column a distinct name.")]);
                }
            }

            if (!column.TryGetValue(options.InputField, out var input))
            {
                throw new DatasetFormatException([new DatasetError(path, line, options.InputField, $"the header has no '{options.InputField}' column (it has: {string.Join(", ", header)}); add it or set DatasetLoadOptions.InputField.")]);
            }

            var expected = column.GetValueOrDefault(options.ExpectedField, -1);
            if (expected < 0 && options.RequireExpected)
            {
                throw new DatasetFormatException([new DatasetError(path, line, options.ExpectedField, $"the header has no '{options.ExpectedField}' column; add it, set DatasetLoadOptions.ExpectedField, or set RequireExpected = false.")]);
            }

            // A CSV has no metadata or judgment columns of its own; the other optional columns must exist when chosen on purpose.
            var missing = options.ChosenOptionalFields()
                .Where(f => f.Option is nameof(DatasetLoadOptions.IdField) or nameof(DatasetLoadOptions.ExpectedField) or nameof(DatasetLoadOptions.LabelField) && !column.ContainsKey(f.Field))
                .ToArray();
            if (missing.Length > 0)
            {
                throw new DatasetFormatException(missing.Select(f => new DatasetError(path, line, f.Field, $"DatasetLoadOptions.{f.Option} is '{f.Field}', but the header has no such column (it has: {string.Join(", ", header)}); correct the option or the header.")).ToList());
            }

            return new Columns(header, input, column.GetValueOrDefault(options.IdField, -1), expected, column.GetValueOrDefault(options.LabelField, -1));
        }
    }
}
