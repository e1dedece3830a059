using System.Text.Json.Serialization;
using LlmStrategies.Experiments;
using LlmStrategies.IO;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// Profile, failure analysis and the ranked "what to fix first" list of one experiment on one dataset, as
/// <see cref="DataWork.AnalyzeAsync(EvaluationDataset, DatasetSplits?, ExperimentRun, DataWorkOptions?, Microsoft.Extensions.AI.IEmbeddingGenerator{string, Microsoft.Extensions.AI.Embedding{float}}?, CancellationToken)"/>
/// computes them. Every figure comes from the dataset and the run's records. Render it with <see cref="DataWorkMarkdown"/>,
/// <see cref="DataWorkHtml"/> or <see cref="DataWorkConsole"/>.
/// </summary>
public sealed class DataWorkReport
{
    /// <summary>The schema name.</summary>
    public const string SchemaName = "llmstrategies.data-work";

    /// <summary>The schema version this library writes and reads.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Gets the schema name.</summary>
    [JsonPropertyName("schema")]
    public string Schema { get; init; } = SchemaName;

    /// <summary>Gets the schema version.</summary>
    [JsonPropertyName("version")]
    public int Version { get; init; } = SchemaVersion;

    /// <summary>Gets the dataset profile.</summary>
    [JsonPropertyName("profile")]
    public required DatasetProfile Profile { get; init; }

    /// <summary>Gets the failure analysis.</summary>
    [JsonPropertyName("failures")]
    public required FailureAnalysis Failures { get; init; }

    /// <summary>Gets what to fix first: blockers (data that makes the scores untrustworthy) first, then improvements by the most the metric could gain, then candidates to review.</summary>
    [JsonPropertyName("findings")]
    public IReadOnlyList<DataWorkFinding> Findings { get; init; } = [];

    /// <summary>Gets the items the findings, flips, slices and clusters point at, for linking in reports.</summary>
    [JsonPropertyName("itemDetails")]
    public IReadOnlyList<ItemDetail> ItemDetails { get; init; } = [];

    /// <summary>Gets notes.</summary>
    [JsonPropertyName("notes")]
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The report as indented JSON.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => AnalysisJson.Serialize(this, AnalysisJsonContext.Default.DataWorkReport);

    /// <summary>Parses a report written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ExperimentFileException">The text is not a data-work report of this version.</exception>
    public static DataWorkReport FromJson(string json) => AnalysisJson.Deserialize(json, SchemaName, SchemaVersion, AnalysisJsonContext.Default.DataWorkReport);

    /// <summary>Loads a report written by <see cref="Save"/>.</summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ExperimentFileException">The file is not a data-work report of this version.</exception>
    public static DataWorkReport Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        try
        {
            return FromJson(File.ReadAllText(path));
        }
        catch (ExperimentFileException ex)
        {
            throw new ExperimentFileException(path, ex.Message, ex);
        }
    }

    /// <summary>Writes the report as JSON, atomically.</summary>
    /// <param name="path">The file.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.WriteAllText(path, ToJson());
    }

    /// <summary>Writes <c>data-work.json</c>, <c>data-work.md</c> and <c>data-work.html</c> into a folder, each atomically.</summary>
    /// <param name="directory">The folder (created when missing).</param>
    /// <returns>The three paths.</returns>
    public IReadOnlyList<string> SaveAll(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var paths = new[] { Path.Combine(directory, "data-work.json"), Path.Combine(directory, "data-work.md"), Path.Combine(directory, "data-work.html") };
        Save(paths[0]);
        AtomicFile.WriteAllText(paths[1], DataWorkMarkdown.Render(this));
        AtomicFile.WriteAllText(paths[2], DataWorkHtml.RenderPage(this));
        return paths;
    }
}

/// <summary>One thing to fix, with the numbers that justify it and the items it is about.</summary>
public sealed class DataWorkFinding
{
    /// <summary>Gets the rank (1 = fix first).</summary>
    [JsonPropertyName("rank")]
    public int Rank { get; init; }

    /// <summary>Gets the kind: split-leakage, missing-gold, dangling-gold-passage, answer-not-in-corpus, retrieval-misses, reading-misses, weak-slice, failure-cluster, conflicting-gold or possible-split-leakage.</summary>
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    /// <summary>Gets "blocker" (the scores cannot be trusted until it is fixed), "improvement" (ranked by potential gain) or "review" (a candidate to read; effect unknown).</summary>
    [JsonPropertyName("severity")]
    public required string Severity { get; init; }

    /// <summary>Gets the one-line title.</summary>
    [JsonPropertyName("title")]
    public required string Title { get; init; }

    /// <summary>Gets the evidence, in words with its numbers.</summary>
    [JsonPropertyName("evidence")]
    public required string Evidence { get; init; }

    /// <summary>Gets what to do about it.</summary>
    [JsonPropertyName("fix")]
    public required string Fix { get; init; }

    /// <summary>Gets the test items affected.</summary>
    [JsonPropertyName("affectedItems")]
    public int AffectedItems { get; init; }

    /// <summary>Gets the affected items the analysed strategy got wrong.</summary>
    [JsonPropertyName("failedItems")]
    public int FailedItems { get; init; }

    /// <summary>
    /// Gets the most the analysed strategy's mean could rise if this were fixed: the affected items' distance from a perfect
    /// score (for a slice, from the overall mean) over all scored items. An upper bound; findings overlap, so do not add them.
    /// </summary>
    [JsonPropertyName("potentialGain")]
    public double PotentialGain { get; init; }

    /// <summary>Gets the affected items, most telling first (at most <see cref="DataWorkOptions.MaxListedItems"/>).</summary>
    [JsonPropertyName("items")]
    public IReadOnlyList<string> Items { get; init; } = [];
}

/// <summary>An item as the reports show it: input, gold, the analysed strategy's answer and score, and why it failed.</summary>
public sealed class ItemDetail
{
    /// <summary>Gets the id.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>Gets the input.</summary>
    [JsonPropertyName("input")]
    public required string Input { get; init; }

    /// <summary>Gets the gold answers.</summary>
    [JsonPropertyName("gold")]
    public IReadOnlyList<string> Gold { get; init; } = [];

    /// <summary>Gets the analysed strategy's answer, or <see langword="null"/> when not recorded (report-only analysis).</summary>
    [JsonPropertyName("answer")]
    public string? Answer { get; init; }

    /// <summary>Gets the analysed strategy's score, or <see langword="null"/>.</summary>
    [JsonPropertyName("score")]
    public double? Score { get; init; }

    /// <summary>Gets the retrieved source ids, best first (empty when unknown or none).</summary>
    [JsonPropertyName("sources")]
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>Gets the attributed cause, or <see langword="null"/>.</summary>
    [JsonPropertyName("cause")]
    public string? Cause { get; init; }
}
