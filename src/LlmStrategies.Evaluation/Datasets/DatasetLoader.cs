using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LlmStrategies.Evaluation;

/// <summary>
/// Loads datasets from JSONL, CSV, the BEIR layout and SQuAD JSON. Every malformed record is reported with its file,
/// line, field and a fix; nothing is dropped silently: by default the load fails listing every problem, and with
/// <see cref="DatasetLoadOptions.SkipInvalid"/> the problems are kept in <see cref="EvaluationDataset.Errors"/>.
/// </summary>
/// <remarks>Blank lines in JSONL files are not records and are ignored.</remarks>
public static class DatasetLoader
{
    /// <summary>
    /// Loads a JSONL file: one JSON object per line with the fields named in <paramref name="options"/>, by default
    /// <c>{"id": "q1", "input": "...", "expected": "..." | ["...", "..."], "label": "...", "metadata": {...}, "relevant": {"doc": 2}}</c>.
    /// Unknown scalar fields become metadata.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Field names and error handling; default <see cref="DatasetLoadOptions"/>.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DatasetFormatException">A record is malformed and <see cref="DatasetLoadOptions.SkipInvalid"/> is off.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static EvaluationDataset LoadJsonl(string path, DatasetLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new DatasetLoadOptions();
        var errors = new List<DatasetError>();
        var items = new ItemCollector(path, errors);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (!TryParseObject(path, lineNumber, line, errors, out var document))
            {
                continue;
            }

            using (document)
            {
                var item = ReadJsonItem(path, lineNumber, document.RootElement, options, errors);
                if (item is not null)
                {
                    items.Add(item, lineNumber);
                }
            }
        }

        return Finish(options.Name ?? Path.GetFileNameWithoutExtension(path), items.Items, corpus: null, errors, options);
    }

    /// <summary>
    /// Loads a CSV file (RFC 4180: comma-separated, fields with commas, quotes or line breaks in double quotes, quotes
    /// doubled) whose first row names the columns: <see cref="DatasetLoadOptions.InputField"/> is required, id, expected
    /// (several answers separated by <see cref="DatasetLoadOptions.CsvAnswerSeparator"/>) and label are optional,
    /// every other column becomes metadata.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Column names and error handling.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DatasetFormatException">A record is malformed and <see cref="DatasetLoadOptions.SkipInvalid"/> is off, or the header is unusable.</exception>
    public static EvaluationDataset LoadCsv(string path, DatasetLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new DatasetLoadOptions();
        var errors = new List<DatasetError>();
        var records = CsvReader.Read(path, File.ReadAllText(path), errors);
        if (records.Count == 0)
        {
            throw new DatasetFormatException([new DatasetError(path, 0, null, "the file has no header row; the first row must name the columns, including '" + options.InputField + "'.")]);
        }

        var header = records[0].Fields;
        var column = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Count; i++)
        {
            if (!column.TryAdd(header[i].Trim(), i))
            {
                throw new DatasetFormatException([new DatasetError(path, records[0].Line, header[i], "the header names this column twice; give every column a distinct name.")]);
            }
        }

        if (!column.TryGetValue(options.InputField, out var inputColumn))
        {
            throw new DatasetFormatException([new DatasetError(path, records[0].Line, options.InputField, $"the header has no '{options.InputField}' column (it has: {string.Join(", ", header)}); add it or set DatasetLoadOptions.InputField.")]);
        }

        var idColumn = column.GetValueOrDefault(options.IdField, -1);
        var expectedColumn = column.GetValueOrDefault(options.ExpectedField, -1);
        var labelColumn = column.GetValueOrDefault(options.LabelField, -1);
        if (expectedColumn < 0 && options.RequireExpected)
        {
            throw new DatasetFormatException([new DatasetError(path, records[0].Line, options.ExpectedField, $"the header has no '{options.ExpectedField}' column; add it, set DatasetLoadOptions.ExpectedField, or set RequireExpected = false.")]);
        }

        var items = new ItemCollector(path, errors);
        foreach (var record in records.Skip(1))
        {
            var fields = record.Fields;
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // an empty line
            }

            if (fields.Count != header.Count)
            {
                errors.Add(new DatasetError(path, record.Line, null, $"the record has {fields.Count} fields but the header has {header.Count}; quote fields that contain commas (\"a, b\") and double quotes inside them (\"\")."));
                continue;
            }

            var input = fields[inputColumn];
            if (string.IsNullOrWhiteSpace(input))
            {
                errors.Add(new DatasetError(path, record.Line, options.InputField, "the input is empty; every item needs an input."));
                continue;
            }

            var expected = expectedColumn < 0 || fields[expectedColumn].Length == 0
                ? []
                : fields[expectedColumn].Split(options.CsvAnswerSeparator, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (expected.Length == 0 && options.RequireExpected)
            {
                errors.Add(new DatasetError(path, record.Line, options.ExpectedField, "the expected output is empty; fill it in (several answers separated by '" + options.CsvAnswerSeparator + "'), or set RequireExpected = false."));
                continue;
            }

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++)
            {
                if (i != inputColumn && i != idColumn && i != expectedColumn && i != labelColumn)
                {
                    metadata[header[i].Trim()] = fields[i];
                }
            }

            var id = idColumn >= 0 && fields[idColumn].Length > 0 ? fields[idColumn] : IdFromInput(input);
            items.Add(
                new EvaluationItem
                {
                    Id = id,
                    Input = input,
                    ExpectedOutputs = expected,
                    Label = labelColumn >= 0 && fields[labelColumn].Length > 0 ? fields[labelColumn] : null,
                    Metadata = metadata,
                },
                record.Line);
        }

        return Finish(options.Name ?? Path.GetFileNameWithoutExtension(path), items.Items, corpus: null, errors, options);
    }

    /// <summary>
    /// Loads a BEIR dataset folder: <c>corpus.jsonl</c> (<c>{"_id", "title", "text"}</c>), <c>queries.jsonl</c>
    /// (<c>{"_id", "text"}</c>) and <c>qrels/{split}.tsv</c> (<c>query-id, corpus-id, score</c> with a header row). The
    /// items are the queries judged in the split, with their graded judgments; the corpus documents' text is the title
    /// and the text joined by a blank line.
    /// </summary>
    /// <param name="directory">The dataset folder.</param>
    /// <param name="options">The split and error handling.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DatasetFormatException">A record is malformed and <see cref="DatasetLoadOptions.SkipInvalid"/> is off.</exception>
    /// <exception cref="FileNotFoundException">A file of the layout is missing.</exception>
    public static EvaluationDataset LoadBeir(string directory, DatasetLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        options ??= new DatasetLoadOptions();
        var corpusPath = Path.Combine(directory, "corpus.jsonl");
        var queriesPath = Path.Combine(directory, "queries.jsonl");
        var qrelsPath = Path.Combine(directory, "qrels", options.BeirSplit + ".tsv");
        foreach (var required in new[] { corpusPath, queriesPath, qrelsPath })
        {
            if (!File.Exists(required))
            {
                throw new FileNotFoundException($"The BEIR folder '{directory}' has no '{Path.GetRelativePath(directory, required)}'; a BEIR dataset needs corpus.jsonl, queries.jsonl and qrels/<split>.tsv (set DatasetLoadOptions.BeirSplit for another split).", required);
            }
        }

        var errors = new List<DatasetError>();
        var corpus = ReadCorpus(corpusPath, errors);

        var queries = new Dictionary<string, (string Text, int Line)>(StringComparer.Ordinal);
        ReadBeirJsonl(queriesPath, errors, (line, element) =>
        {
            var id = RequiredId(queriesPath, line, element, "_id", errors);
            if (id is null)
            {
                return;
            }

            if (!element.TryGetProperty("text", out var t) || t.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(t.GetString()))
            {
                errors.Add(new DatasetError(queriesPath, line, "text", "the query has no non-empty string 'text'; add the query text."));
                return;
            }

            if (!queries.TryAdd(id, (t.GetString()!, line)))
            {
                errors.Add(new DatasetError(queriesPath, line, "_id", $"query id '{id}' appears twice; ids must be unique."));
            }
        });

        var judgments = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(qrelsPath))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var parts = line.Split('\t');
            if (lineNumber == 1 && parts.Length >= 1 && parts[0].Trim().Equals("query-id", StringComparison.OrdinalIgnoreCase))
            {
                continue; // the header
            }

            if (parts.Length != 3)
            {
                errors.Add(new DatasetError(qrelsPath, lineNumber, null, $"expected 3 tab-separated fields (query-id, corpus-id, score), found {parts.Length}."));
                continue;
            }

            if (!double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var grade))
            {
                errors.Add(new DatasetError(qrelsPath, lineNumber, "score", $"'{parts[2]}' is not a number; write the relevance grade as an integer such as 1 or 2."));
                continue;
            }

            if (!queries.ContainsKey(parts[0]))
            {
                errors.Add(new DatasetError(qrelsPath, lineNumber, "query-id", $"query '{parts[0]}' is not in queries.jsonl; add the query or remove the judgment."));
                continue;
            }

            if (!corpus.ContainsKey(parts[1]))
            {
                errors.Add(new DatasetError(qrelsPath, lineNumber, "corpus-id", $"document '{parts[1]}' is not in corpus.jsonl; add the document or remove the judgment."));
                continue;
            }

            if (!judgments.TryGetValue(parts[0], out var perQuery))
            {
                judgments[parts[0]] = perQuery = new Dictionary<string, double>(StringComparer.Ordinal);
            }

            if (!perQuery.TryAdd(parts[1], grade))
            {
                errors.Add(new DatasetError(qrelsPath, lineNumber, "corpus-id", $"query '{parts[0]}' judges document '{parts[1]}' twice; keep one judgment."));
            }
        }

        // Only the queries judged in this split belong to it (BEIR keeps one queries.jsonl for every split).
        var items = queries
            .Where(q => judgments.ContainsKey(q.Key))
            .OrderBy(q => q.Value.Line)
            .Select(q => new EvaluationItem { Id = q.Key, Input = q.Value.Text, RelevantDocuments = judgments[q.Key] })
            .ToList();
        var name = options.Name ?? new DirectoryInfo(directory).Name;
        return Finish(name, items, corpus.Values, errors, options);
    }

    /// <summary>
    /// Loads a SQuAD v1.1/v2.0 JSON file (<c>data[].title</c>, <c>data[].paragraphs[].context</c>,
    /// <c>qas[].id/question/answers[].text</c>). Each question becomes an item whose expected outputs are its gold answers,
    /// whose label and <c>article</c> metadata are the article title (split by article, never by question, so test
    /// questions share no paragraph with the few-shot pool), and whose relevant document is its paragraph; the
    /// paragraphs form the corpus (ids <c>p{article}-{paragraph}</c>). Unanswerable v2.0 questions are kept with no
    /// expected output and <c>is_impossible</c> metadata.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Error handling.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DatasetFormatException">The file is not SQuAD JSON, or a question is malformed and <see cref="DatasetLoadOptions.SkipInvalid"/> is off. JSON syntax errors carry the line; record errors name the JSON path.</exception>
    public static EvaluationDataset LoadSquad(string path, DatasetLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new DatasetLoadOptions();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw new DatasetFormatException([new DatasetError(path, (int)(ex.LineNumber ?? -1) + 1, null, $"the file is not valid JSON ({ex.Message}); a SQuAD file is one JSON object with a 'data' array.")]);
        }

        using (document)
        {
            var errors = new List<DatasetError>();
            var items = new ItemCollector(path, errors);
            var corpus = new List<SourceDocument>();
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("data", out var data)
                || data.ValueKind != JsonValueKind.Array)
            {
                throw new DatasetFormatException([new DatasetError(path, 0, "data", "the file has no top-level 'data' array; this is not a SQuAD file.")]);
            }

            var a = 0;
            foreach (var article in data.EnumerateArray())
            {
                var articlePath = $"data[{a}]";
                var title = article.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : $"article-{a}";
                if (!article.TryGetProperty("paragraphs", out var paragraphs) || paragraphs.ValueKind != JsonValueKind.Array)
                {
                    errors.Add(new DatasetError(path, 0, articlePath + ".paragraphs", "the article has no 'paragraphs' array."));
                    a++;
                    continue;
                }

                var p = 0;
                foreach (var paragraph in paragraphs.EnumerateArray())
                {
                    var paragraphPath = $"{articlePath}.paragraphs[{p}]";
                    var paragraphId = string.Create(CultureInfo.InvariantCulture, $"p{a}-{p}");
                    if (!paragraph.TryGetProperty("context", out var context) || context.ValueKind != JsonValueKind.String)
                    {
                        errors.Add(new DatasetError(path, 0, paragraphPath + ".context", "the paragraph has no string 'context'."));
                        p++;
                        continue;
                    }

                    corpus.Add(new SourceDocument { Id = paragraphId, Text = context.GetString()!, Metadata = new Dictionary<string, string> { ["article"] = title } });
                    var q = 0;
                    foreach (var qa in paragraph.TryGetProperty("qas", out var qas) && qas.ValueKind == JsonValueKind.Array ? qas.EnumerateArray() : default)
                    {
                        var item = ReadSquadQuestion(path, $"{paragraphPath}.qas[{q}]", qa, title, paragraphId, errors);
                        if (item is not null)
                        {
                            items.Add(item, 0);
                        }

                        q++;
                    }

                    p++;
                }

                a++;
            }

            return Finish(options.Name ?? Path.GetFileNameWithoutExtension(path), items.Items, corpus, errors, options);
        }
    }

    /// <summary>Loads a dataset by its path: a folder (BEIR), <c>.jsonl</c>, <c>.csv</c> or <c>.json</c> (SQuAD).</summary>
    /// <param name="path">The file or folder.</param>
    /// <param name="options">Field names and error handling.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="ArgumentException">The path's kind is not recognised.</exception>
    public static EvaluationDataset Load(string path, DatasetLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
        {
            return LoadBeir(path, options);
        }

        return Path.GetExtension(path).ToUpperInvariant() switch
        {
            ".JSONL" => LoadJsonl(path, options),
            ".CSV" => LoadCsv(path, options),
            ".JSON" => LoadSquad(path, options),
            _ => throw new ArgumentException($"Cannot tell the format of '{path}': use a .jsonl, .csv or SQuAD .json file, or a BEIR folder (corpus.jsonl, queries.jsonl, qrels/).", nameof(path)),
        };
    }

    /// <summary>
    /// Loads a corpus of documents from JSONL in the BEIR <c>corpus.jsonl</c> format: <c>{"_id": "d1", "title": "...", "text": "..."}</c>
    /// per line (the title is optional; it is put before the text, separated by a blank line).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The documents, in file order.</returns>
    /// <exception cref="DatasetFormatException">A line is malformed or two documents share an id.</exception>
    public static IReadOnlyList<SourceDocument> LoadCorpusJsonl(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var errors = new List<DatasetError>();
        var corpus = ReadCorpus(path, errors);
        if (errors.Count > 0)
        {
            throw new DatasetFormatException(errors);
        }

        return corpus.Values.ToArray();
    }

    private static Dictionary<string, SourceDocument> ReadCorpus(string corpusPath, List<DatasetError> errors)
    {
        var corpus = new Dictionary<string, SourceDocument>(StringComparer.Ordinal);
        ReadBeirJsonl(corpusPath, errors, (line, element) =>
        {
            var id = RequiredId(corpusPath, line, element, "_id", errors);
            var text = element.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : null;
            if (id is null)
            {
                return;
            }

            if (text is null)
            {
                errors.Add(new DatasetError(corpusPath, line, "text", "the document has no string 'text'; add the document's text."));
                return;
            }

            var title = element.TryGetProperty("title", out var ti) && ti.ValueKind == JsonValueKind.String ? ti.GetString() : null;
            var document = new SourceDocument
            {
                Id = id,
                Text = string.IsNullOrWhiteSpace(title) ? text : title + "\n\n" + text,
                Metadata = string.IsNullOrWhiteSpace(title) ? new Dictionary<string, string>(0) : new Dictionary<string, string> { ["title"] = title },
            };
            if (!corpus.TryAdd(id, document))
            {
                errors.Add(new DatasetError(corpusPath, line, "_id", $"document id '{id}' appears twice; ids must be unique."));
            }
        });

        return corpus;
    }

    /// <summary>An id derived from the input, stable when records are reordered.</summary>
    internal static string IdFromInput(string input) => "h" + ContentHash.Of(input)[..16];

    private static EvaluationDataset Finish(string name, List<EvaluationItem> items, IEnumerable<SourceDocument>? corpus, List<DatasetError> errors, DatasetLoadOptions options)
    {
        if (errors.Count > 0 && !options.SkipInvalid)
        {
            throw new DatasetFormatException(errors);
        }

        return new EvaluationDataset(name, items, corpus, errors);
    }

    private static bool TryParseObject(string path, int line, string text, List<DatasetError> errors, out JsonDocument document)
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

    private static EvaluationItem? ReadJsonItem(string path, int line, JsonElement element, DatasetLoadOptions options, List<DatasetError> errors)
    {
        var before = errors.Count;
        string? input = null;
        if (!element.TryGetProperty(options.InputField, out var inputElement))
        {
            errors.Add(new DatasetError(path, line, options.InputField, $"the record has no '{options.InputField}' field; add the input text or set DatasetLoadOptions.InputField."));
        }
        else if (inputElement.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(inputElement.GetString()))
        {
            errors.Add(new DatasetError(path, line, options.InputField, $"the input must be a non-empty string, found {Describe(inputElement)}."));
        }
        else
        {
            input = inputElement.GetString()!;
        }

        string? id = null;
        if (element.TryGetProperty(options.IdField, out var idElement))
        {
            id = idElement.ValueKind switch
            {
                JsonValueKind.String when idElement.GetString()!.Length > 0 => idElement.GetString(),
                JsonValueKind.Number => idElement.GetRawText(),
                _ => null,
            };
            if (id is null)
            {
                errors.Add(new DatasetError(path, line, options.IdField, $"the id must be a non-empty string or a number, found {Describe(idElement)}."));
            }
        }

        var expected = new List<string>();
        if (element.TryGetProperty(options.ExpectedField, out var expectedElement))
        {
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
        }

        if (options.RequireExpected && errors.Count == before && expected.All(string.IsNullOrWhiteSpace))
        {
            errors.Add(new DatasetError(path, line, options.ExpectedField, $"the record has no non-empty '{options.ExpectedField}'; add the expected output(s), or set RequireExpected = false for retrieval-only data."));
        }

        string? label = null;
        if (element.TryGetProperty(options.LabelField, out var labelElement) && labelElement.ValueKind != JsonValueKind.Null)
        {
            if (labelElement.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            {
                label = Scalar(labelElement);
            }
            else
            {
                errors.Add(new DatasetError(path, line, options.LabelField, $"the label must be a string, number or Boolean, found {Describe(labelElement)}."));
            }
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var relevant = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var name = property.Name;
            if (name == options.InputField || name == options.IdField || name == options.ExpectedField || name == options.LabelField)
            {
                continue;
            }

            if (name == options.MetadataField)
            {
                if (property.Value.ValueKind != JsonValueKind.Object)
                {
                    errors.Add(new DatasetError(path, line, name, $"metadata must be an object of scalar values, found {Describe(property.Value)}."));
                    continue;
                }

                foreach (var entry in property.Value.EnumerateObject())
                {
                    if (entry.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        errors.Add(new DatasetError(path, line, $"{name}.{entry.Name}", $"metadata values must be scalars (string, number, Boolean), found {Describe(entry.Value)}."));
                    }
                    else if (entry.Value.ValueKind != JsonValueKind.Null)
                    {
                        metadata[entry.Name] = Scalar(entry.Value);
                    }
                }
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
                else
                {
                    relevant[entry.Name] = entry.Value.GetDouble();
                }
            }
        }
        else
        {
            errors.Add(new DatasetError(path, line, field, $"judgments must be an object of document id → grade or an array of document ids, found {Describe(value)}."));
        }
    }

    private static EvaluationItem? ReadSquadQuestion(string path, string qaPath, JsonElement qa, string title, string paragraphId, List<DatasetError> errors)
    {
        var before = errors.Count;
        var id = qa.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
        if (string.IsNullOrEmpty(id))
        {
            errors.Add(new DatasetError(path, 0, qaPath + ".id", "the question has no string 'id'; SQuAD questions need ids."));
        }

        var question = qa.TryGetProperty("question", out var qElement) && qElement.ValueKind == JsonValueKind.String ? qElement.GetString() : null;
        if (string.IsNullOrWhiteSpace(question))
        {
            errors.Add(new DatasetError(path, 0, qaPath + ".question", "the question has no non-empty string 'question'."));
        }

        var impossible = qa.TryGetProperty("is_impossible", out var imp) && imp.ValueKind == JsonValueKind.True;
        var answers = new List<string>();
        if (qa.TryGetProperty("answers", out var answersElement) && answersElement.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var answer in answersElement.EnumerateArray())
            {
                if (answer.ValueKind != JsonValueKind.Object || !answer.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                {
                    errors.Add(new DatasetError(path, 0, $"{qaPath}.answers[{i}].text", "every answer needs a string 'text'."));
                }
                else
                {
                    answers.Add(text.GetString()!);
                }

                i++;
            }
        }
        else
        {
            errors.Add(new DatasetError(path, 0, qaPath + ".answers", "the question has no 'answers' array."));
        }

        if (errors.Count == before && answers.Count == 0 && !impossible)
        {
            errors.Add(new DatasetError(path, 0, qaPath + ".answers", "the question has no gold answer and is not marked is_impossible; add at least one answer."));
        }

        if (errors.Count > before)
        {
            return null;
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["article"] = title, ["paragraph"] = paragraphId };
        if (impossible)
        {
            metadata["is_impossible"] = "true";
        }

        return new EvaluationItem
        {
            Id = id!,
            Input = question!,
            ExpectedOutputs = answers,
            Label = title,
            Metadata = metadata,
            RelevantDocuments = new Dictionary<string, double>(StringComparer.Ordinal) { [paragraphId] = 1 },
        };
    }

    private static void ReadBeirJsonl(string path, List<DatasetError> errors, Action<int, JsonElement> read)
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

    private static string? RequiredId(string path, int line, JsonElement element, string field, List<DatasetError> errors)
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

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => value.GetRawText(),
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Truncate(value.GetString()!)}\"",
        JsonValueKind.Null => "null",
        _ => $"{value.ValueKind.ToString().ToLowerInvariant()} {Truncate(value.GetRawText())}",
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "...";

    /// <summary>Collects items, reporting a repeated id at the line that repeats it.</summary>
    private sealed class ItemCollector(string path, List<DatasetError> errors)
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

    /// <summary>An RFC 4180 reader that remembers the line each record starts on.</summary>
    private static class CsvReader
    {
        public static List<(int Line, List<string> Fields)> Read(string path, string text, List<DatasetError> errors)
        {
            var records = new List<(int, List<string>)>();
            var fields = new List<string>();
            var field = new StringBuilder();
            var line = 1;
            var recordLine = 1;
            var quoted = false;
            var quoteLine = 0;
            var i = 0;
            if (text.Length > 0 && text[0] == '\uFEFF')
            {
                i = 1;
            }

            for (; i < text.Length; i++)
            {
                var c = text[i];
                if (quoted)
                {
                    if (c == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i++;
                        }
                        else
                        {
                            quoted = false;
                        }
                    }
                    else
                    {
                        if (c == '\n')
                        {
                            line++;
                        }

                        field.Append(c);
                    }

                    continue;
                }

                switch (c)
                {
                    case '"' when field.Length == 0:
                        quoted = true;
                        quoteLine = line;
                        break;
                    case ',':
                        fields.Add(field.ToString());
                        field.Clear();
                        break;
                    case '\r':
                        break;
                    case '\n':
                        fields.Add(field.ToString());
                        field.Clear();
                        records.Add((recordLine, fields));
                        fields = [];
                        line++;
                        recordLine = line;
                        break;
                    default:
                        field.Append(c);
                        break;
                }
            }

            if (quoted)
            {
                errors.Add(new DatasetError(path, quoteLine, null, "a quoted field is never closed; add the closing double quote (write a literal quote inside a quoted field as \"\")."));
                return records;
            }

            if (field.Length > 0 || fields.Count > 0)
            {
                fields.Add(field.ToString());
                records.Add((recordLine, fields));
            }

            return records;
        }
    }
}
