using System.Globalization;
using System.Text.Json;
using static LlmStrategies.Evaluation.DatasetReading;

namespace LlmStrategies.Evaluation;

/// <summary>Reads SQuAD v1.1/v2.0 JSON: articles, paragraphs (the corpus) and their questions (the items).</summary>
internal static class SquadDatasetReader
{
    public static EvaluationDataset Load(string path, DatasetLoadOptions options)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(ReadUtf8(path));
        }
        catch (JsonException ex)
        {
            throw new DatasetFormatException([new DatasetError(path, (int)(ex.LineNumber ?? -1) + 1, null, $"the file is not valid JSON ({ex.Message}); a SQuAD file is one JSON object with a 'data' array.")]);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("data", out var data)
                || data.ValueKind != JsonValueKind.Array)
            {
                throw new DatasetFormatException([new DatasetError(path, 0, "data", "the file has no top-level 'data' array; this is not a SQuAD file.")]);
            }

            var errors = new List<DatasetError>();
            var items = new ItemCollector(path, errors);
            var corpus = new List<SourceDocument>();
            var a = 0;
            foreach (var article in data.EnumerateArray())
            {
                ReadArticle(path, a++, article, items, corpus, errors);
            }

            return Finish(options.Name ?? Path.GetFileNameWithoutExtension(path), items.Items, corpus, errors, options);
        }
    }

    private static void ReadArticle(string path, int a, JsonElement article, ItemCollector items, List<SourceDocument> corpus, List<DatasetError> errors)
    {
        var articlePath = $"data[{a}]";
        var title = article.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : $"article-{a}";
        if (!article.TryGetProperty("paragraphs", out var paragraphs) || paragraphs.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new DatasetError(path, 0, articlePath + ".paragraphs", "the article has no 'paragraphs' array."));
            return;
        }

        var p = 0;
        foreach (var paragraph in paragraphs.EnumerateArray())
        {
            var paragraphPath = $"{articlePath}.paragraphs[{p}]";
            var paragraphId = string.Create(CultureInfo.InvariantCulture, $"p{a}-{p}");
            p++;
            if (!paragraph.TryGetProperty("context", out var context) || context.ValueKind != JsonValueKind.String)
            {
                errors.Add(new DatasetError(path, 0, paragraphPath + ".context", "the paragraph has no string 'context'."));
                continue;
            }

            corpus.Add(new SourceDocument { Id = paragraphId, Text = context.GetString()!, Metadata = new Dictionary<string, string> { ["article"] = title } });
            var q = 0;
            foreach (var qa in paragraph.TryGetProperty("qas", out var qas) && qas.ValueKind == JsonValueKind.Array ? qas.EnumerateArray() : default)
            {
                var qaPath = $"{paragraphPath}.qas[{q++}]";
                if (ReadQuestion(path, qaPath, qa, title, paragraphId, errors) is { } item)
                {
                    items.Add(item, 0, qaPath);
                }
            }
        }
    }

    private static EvaluationItem? ReadQuestion(string path, string qaPath, JsonElement qa, string title, string paragraphId, List<DatasetError> errors)
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
}
