using System.Globalization;
using System.Text.Json;
using static LlmStrategies.Evaluation.DatasetReading;

namespace LlmStrategies.Evaluation;

/// <summary>Reads BEIR dataset folders: corpus.jsonl, queries.jsonl and qrels/{split}.tsv.</summary>
internal static class BeirDatasetReader
{
    public static EvaluationDataset Load(string directory, DatasetLoadOptions options)
    {
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
        var queries = ReadQueries(queriesPath, errors);
        var judgments = ReadQrels(qrelsPath, queries, corpus, errors);

        // Only the queries judged in this split belong to it (BEIR keeps one queries.jsonl for every split).
        var items = queries
            .Where(q => judgments.ContainsKey(q.Key))
            .OrderBy(q => q.Value.Line)
            .Select(q => new EvaluationItem { Id = q.Key, Input = q.Value.Text, RelevantDocuments = judgments[q.Key] })
            .ToList();
        return Finish(options.Name ?? new DirectoryInfo(directory).Name, items, corpus.Values, errors, options);
    }

    /// <summary>Reads a corpus in the BEIR corpus.jsonl format; the title, when there is one, goes before the text.</summary>
    public static Dictionary<string, SourceDocument> ReadCorpus(string corpusPath, List<DatasetError> errors)
    {
        var corpus = new Dictionary<string, SourceDocument>(StringComparer.Ordinal);
        ReadJsonLines(corpusPath, errors, (line, element) =>
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

    private static Dictionary<string, (string Text, int Line)> ReadQueries(string queriesPath, List<DatasetError> errors)
    {
        var queries = new Dictionary<string, (string Text, int Line)>(StringComparer.Ordinal);
        ReadJsonLines(queriesPath, errors, (line, element) =>
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

        return queries;
    }

    private static Dictionary<string, Dictionary<string, double>> ReadQrels(
        string qrelsPath, Dictionary<string, (string Text, int Line)> queries, Dictionary<string, SourceDocument> corpus, List<DatasetError> errors)
    {
        var judgments = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        foreach (var (lineNumber, line, _, _) in TextLines(qrelsPath, errors))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var parts = line.Split('\t');
            if (lineNumber == 1 && parts.Length >= 1 && parts[0].Trim().Equals("query-id", StringComparison.OrdinalIgnoreCase))
            {
                continue; // the header
            }

            if (ReadJudgment(qrelsPath, lineNumber, parts, queries, corpus, errors) is not { } judgment)
            {
                continue;
            }

            if (!judgments.TryGetValue(judgment.Query, out var perQuery))
            {
                judgments[judgment.Query] = perQuery = new Dictionary<string, double>(StringComparer.Ordinal);
            }

            if (!perQuery.TryAdd(judgment.Document, judgment.Grade))
            {
                errors.Add(new DatasetError(qrelsPath, lineNumber, "corpus-id", $"query '{judgment.Query}' judges document '{judgment.Document}' twice; keep one judgment."));
            }
        }

        return judgments;
    }

    private static (string Query, string Document, double Grade)? ReadJudgment(
        string qrelsPath, int line, string[] parts, Dictionary<string, (string Text, int Line)> queries, Dictionary<string, SourceDocument> corpus, List<DatasetError> errors)
    {
        if (parts.Length != 3)
        {
            errors.Add(new DatasetError(qrelsPath, line, null, $"expected 3 tab-separated fields (query-id, corpus-id, score), found {parts.Length}."));
            return null;
        }

        if (!double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            errors.Add(new DatasetError(qrelsPath, line, "score", $"'{parts[2]}' is not a number; write the relevance grade as an integer such as 1 or 2."));
            return null;
        }

        if (FiniteGrade(qrelsPath, line, "score", parsed, parts[2], errors) is not { } grade)
        {
            return null;
        }

        if (!queries.ContainsKey(parts[0]))
        {
            errors.Add(new DatasetError(qrelsPath, line, "query-id", $"query '{parts[0]}' is not in queries.jsonl; add the query or remove the judgment."));
            return null;
        }

        if (!corpus.ContainsKey(parts[1]))
        {
            errors.Add(new DatasetError(qrelsPath, line, "corpus-id", $"document '{parts[1]}' is not in corpus.jsonl; add the document or remove the judgment."));
            return null;
        }

        return (parts[0], parts[1], grade);
    }
}
