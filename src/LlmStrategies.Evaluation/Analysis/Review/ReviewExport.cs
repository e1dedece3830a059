using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LlmStrategies.Experiments;
using LlmStrategies.IO;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// Exports items for review as JSONL or CSV: the input, the gold, the strategy's answer (and the other strategies'),
/// the retrieved context, and empty verdict, correction, example, reviewer and note columns. Bring the filled-in file
/// back with <see cref="ReviewImporter"/>.
/// </summary>
public static class ReviewExport
{
    /// <summary>The columns of a review file, in order.</summary>
    public static readonly IReadOnlyList<string> Columns =
        ["item", "dataset_fingerprint", "selection", "strategy", "input", "gold", "prediction", "score", "other_predictions", "context", "verdict", "correction", "example", "reviewer", "note"];

    /// <summary>Separates several answers in one CSV cell (gold, correction): " | ".</summary>
    public const string AnswerSeparator = " | ";

    /// <summary>Builds the review rows of a selection.</summary>
    /// <param name="dataset">The dataset the run's items come from (its corpus gives the context texts).</param>
    /// <param name="run">The finished experiment (its records give the answers and the retrieved ids).</param>
    /// <param name="selection">Which items.</param>
    /// <param name="options">The metric and success threshold; default <see cref="DataWorkOptions"/>.</param>
    /// <returns>One row per selected item, in the run's item order.</returns>
    /// <exception cref="ArgumentException">An item of the run is not in the dataset, or the selection names an unknown strategy, metric or item.</exception>
    public static IReadOnlyList<ReviewRow> Rows(EvaluationDataset dataset, ExperimentRun run, ReviewSelection selection, DataWorkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(selection);
        options ??= new DataWorkOptions();
        options.Validate();
        var outcomes = RunOutcomes.From(run);
        var metric = DataWork.ResolveMetric(outcomes, options);
        var documents = dataset.Corpus.GroupBy(d => d.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Text, StringComparer.Ordinal);
        var scores = outcomes.Scores(selection.Strategy, metric);
        var rows = new List<ReviewRow>();
        foreach (var i in selection.Select(outcomes, options, metric))
        {
            var id = outcomes.ItemIds[i];
            if (!dataset.TryGetItem(id, out var item))
            {
                throw new ArgumentException($"Item '{id}' of experiment '{run.Name}' is not in dataset '{dataset.Name}'; pass the dataset the experiment ran on.", nameof(dataset));
            }

            var sources = outcomes.Sources![selection.Strategy][i] ?? [];
            rows.Add(new ReviewRow
            {
                Item = id,
                DatasetFingerprint = dataset.Fingerprint,
                Selection = selection.Description,
                Strategy = selection.Strategy,
                Input = item.Input,
                Gold = item.ExpectedOutputs,
                Prediction = outcomes.Answers![selection.Strategy][i],
                Score = scores[i],
                OtherPredictions = string.Join('\n', outcomes.Strategies.Where(s => s != selection.Strategy).Select(s => $"{s}: {outcomes.Answers[s][i] ?? "(no answer)"}")),
                Context = string.Join("\n\n", sources.Select(s => documents.TryGetValue(s, out var text) ? $"[{s}] {text}" : $"[{s}] (not in the corpus)")),
            });
        }

        return rows;
    }

    /// <summary>Writes rows to a review file, atomically: JSONL for <c>.jsonl</c>, CSV (RFC 4180, UTF-8) for <c>.csv</c>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="rows">The rows.</param>
    /// <exception cref="ArgumentException">The extension is neither .jsonl nor .csv.</exception>
    public static void Write(string path, IEnumerable<ReviewRow> rows)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(rows);
        var list = rows.ToArray();
        var text = Path.GetExtension(path).ToUpperInvariant() switch
        {
            ".JSONL" => Jsonl(list),
            ".CSV" => Csv(list),
            _ => throw new ArgumentException($"Cannot tell the review format of '{path}': use a .jsonl or .csv file.", nameof(path)),
        };
        AtomicFile.WriteAllText(path, text);
    }

    private static string Jsonl(ReviewRow[] rows)
    {
        var text = new StringBuilder();
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        foreach (var row in rows)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, options))
            {
                w.WriteStartObject();
                w.WriteString("item", row.Item);
                w.WriteString("dataset_fingerprint", row.DatasetFingerprint);
                w.WriteString("selection", row.Selection);
                w.WriteString("strategy", row.Strategy);
                w.WriteString("input", row.Input);
                Array(w, "gold", row.Gold);
                w.WriteString("prediction", row.Prediction);
                if (row.Score is { } score)
                {
                    w.WriteNumber("score", score);
                }
                else
                {
                    w.WriteNull("score");
                }

                w.WriteString("other_predictions", row.OtherPredictions);
                w.WriteString("context", row.Context);
                w.WriteString("verdict", row.Verdict);
                Array(w, "correction", row.Correction);
                w.WriteString("example", row.Example);
                w.WriteString("reviewer", row.Reviewer);
                w.WriteString("note", row.Note);
                w.WriteEndObject();
            }

            text.Append(Encoding.UTF8.GetString(buffer.ToArray())).Append('\n');
        }

        return text.ToString();
    }

    private static void Array(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static string Csv(ReviewRow[] rows)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', Columns).Append("\r\n");
        foreach (var row in rows)
        {
            string[] fields =
            [
                row.Item, row.DatasetFingerprint, row.Selection, row.Strategy, row.Input, string.Join(AnswerSeparator, row.Gold), row.Prediction ?? string.Empty,
                row.Score?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty, row.OtherPredictions, row.Context, row.Verdict,
                string.Join(AnswerSeparator, row.Correction), row.Example, row.Reviewer, row.Note,
            ];
            text.AppendJoin(',', fields.Select(Quote)).Append("\r\n");
        }

        return text.ToString();
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 || field.StartsWith(' ') || field.EndsWith(' ')
            ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : field;
}
