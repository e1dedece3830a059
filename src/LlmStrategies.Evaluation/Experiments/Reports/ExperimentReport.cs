using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Analysis;
using LlmStrategies.IO;

namespace LlmStrategies.Experiments;

/// <summary>
/// The statistics of an experiment, machine-readable and schema-versioned: per strategy the mean of every metric with
/// a bootstrap confidence interval, cost and latency percentiles; every strategy compared with the best on every
/// metric (paired bootstrap interval of the difference, McNemar's test for binary metrics or the paired permutation
/// test otherwise, Cohen's d_z); the cheapest strategy statistically indistinguishable from the best; every error; and
/// the per-item scores a later run is compared with (<see cref="RegressionGate"/>). Render it as JSON, Markdown or a
/// self-contained HTML page.
/// </summary>
public sealed class ExperimentReport
{
    /// <summary>The schema name.</summary>
    public const string SchemaName = "llmstrategies.experiment-report";

    /// <summary>
    /// The schema version this library writes; it reads this one and versions 1 and 2 (whose newer fields stay empty).
    /// Version 2 added the run id and decisions; version 3 the optional "Where it fails" section (<see cref="WhereItFails"/>).
    /// </summary>
    public const int SchemaVersion = 3;

    /// <summary>Gets the schema name.</summary>
    [JsonPropertyName("schema")]
    public string Schema { get; init; } = SchemaName;

    /// <summary>Gets the schema version.</summary>
    [JsonPropertyName("version")]
    public int Version { get; init; } = SchemaVersion;

    /// <summary>Gets the experiment's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Gets the identity of the run this report is about (see <see cref="ExperimentRun.RunId"/>); empty in version 1 reports.</summary>
    [JsonPropertyName("runId")]
    public string RunId { get => field ?? string.Empty; init; } = string.Empty;

    /// <summary>Gets when the run finished.</summary>
    [JsonPropertyName("completedAt")]
    public DateTimeOffset CompletedAt { get; init; }

    /// <summary>Gets the test set.</summary>
    [JsonPropertyName("dataset")]
    public required DatasetSummary Dataset { get; init; }

    /// <summary>Gets the repeats per item.</summary>
    [JsonPropertyName("repeats")]
    public int Repeats { get; init; } = 1;

    /// <summary>Gets the statistical settings.</summary>
    [JsonPropertyName("settings")]
    public required ReportSettings Settings { get; init; }

    /// <summary>Gets the price table's currency.</summary>
    [JsonPropertyName("currency")]
    public string Currency { get; init; } = "USD";

    /// <summary>Gets the prices per model (per one million tokens) the costs were computed with.</summary>
    [JsonPropertyName("prices")]
    public IReadOnlyDictionary<string, ModelPrice> Prices { get; init; } = new Dictionary<string, ModelPrice>();

    /// <summary>Gets the per-strategy results, in the order the strategies were entered.</summary>
    [JsonPropertyName("strategies")]
    public IReadOnlyList<StrategyReport> Strategies { get; init; } = [];

    /// <summary>Gets every strategy compared with the best one, per metric.</summary>
    [JsonPropertyName("comparisons")]
    public IReadOnlyList<StrategyComparison> Comparisons { get; init; } = [];

    /// <summary>Gets the recommendation, or <see langword="null"/> when the run gives no basis for one (see <see cref="NoRecommendation"/>).</summary>
    [JsonPropertyName("recommendation")]
    public Recommendation? Recommendation { get; init; }

    /// <summary>Gets why there is no recommendation (every strategy incomplete, or every score within noise of 0), or <see langword="null"/>.</summary>
    [JsonPropertyName("noRecommendation")]
    public string? NoRecommendation { get; init; }

    /// <summary>Gets decisions made from this report (for example the fine-tuning go/no-go), shown at the top.</summary>
    [JsonPropertyName("decisions")]
    public IReadOnlyList<ReportDecision> Decisions { get => field ?? []; init; } = [];

    /// <summary>Gets every strategy and evaluation error.</summary>
    [JsonPropertyName("errors")]
    public IReadOnlyList<RunError> Errors { get; init; } = [];

    /// <summary>Gets notes (resumed checkpoint, torn lines, the baseline-model caveat...).</summary>
    [JsonPropertyName("notes")]
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Gets the per-item scores.</summary>
    [JsonPropertyName("items")]
    public IReadOnlyList<ItemScores> Items { get; init; } = [];

    /// <summary>
    /// Gets where the analysed strategy fails and what to fix first, or <see langword="null"/> when no failure analysis was
    /// attached (see <see cref="WithWhereItFails"/>; always <see langword="null"/> in version 1 and 2 reports).
    /// </summary>
    [JsonPropertyName("whereItFails")]
    public WhereItFails? WhereItFails { get; init; }

    /// <summary>Computes the report of a run.</summary>
    /// <param name="run">The run.</param>
    /// <param name="options">Statistical settings; default <see cref="ReportOptions"/>.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException"><see cref="ReportOptions.PrimaryMetric"/> is not a metric of the run.</exception>
    public static ExperimentReport Create(ExperimentRun run, ReportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        options = ValidatedOptions.ThrowIfInvalid(new ReportOptionsValidator(), options ?? new ReportOptions());
        var metricNames = run.MetricNames;
        // A run where every call failed has no metrics at all: it still gets a report (listing the errors), with no
        // recommendation. Otherwise a primary metric the run does not have is a mistake worth an exception.
        var primary = options.PrimaryMetric ?? metricNames.FirstOrDefault(m => !options.LowerIsBetter.Contains(m));
        if (metricNames.Count > 0 && primary is null)
        {
            throw new ArgumentException("The run has no quality metric to base a recommendation on; add an evaluator.", nameof(run));
        }

        if (metricNames.Count > 0 && !metricNames.Contains(primary!, StringComparer.Ordinal))
        {
            throw new ArgumentException($"The primary metric '{primary}' is not a metric of the run (it has: {string.Join(", ", metricNames)}).", nameof(options));
        }

        primary ??= string.Empty;

        var binary = run.Records.SelectMany(r => r.Metrics).GroupBy(m => m.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.All(m => m.IsBinary), StringComparer.Ordinal);
        var statistics = new ReportStatistics(run, options);
        var strategies = run.Strategies.Select(s => statistics.Summarise(s, metricNames, binary)).ToArray();
        var complete = strategies.Where(s => s.Incomplete is null).Select(s => s.Strategy.Name).ToHashSet(StringComparer.Ordinal);
        var comparisons = metricNames.SelectMany(metric => statistics.Compare(metric, binary[metric], complete)).ToArray();
        var notes = new List<string>(run.Notes);
        if (run.Estimate is { } estimate)
        {
            var reused = run.Records.Count(r => r.FromCache);
            notes.Add(reused == run.Records.Count && reused > 0
                ? $"Every run was answered from the response cache (no model calls); the pre-flight estimate counted them as free: {estimate}."
                : $"Pre-flight estimate: {estimate}.");
        }

        var lowerBetter = options.LowerIsBetter.Contains(primary);
        var (recommendation, noBasis) = Recommender.Recommend(strategies, comparisons, primary, options.Alpha, lowerBetter);
        return new ExperimentReport
        {
            Name = run.Name,
            RunId = run.RunId,
            CompletedAt = run.CompletedAt,
            Dataset = new DatasetSummary { Name = run.DatasetName, Fingerprint = run.DatasetFingerprint, Items = run.ItemIds.Count, Scope = run.Scope.Length > 0 ? run.Scope : null },
            Repeats = run.Repeats,
            Settings = new ReportSettings
            {
                PrimaryMetric = primary,
                PrimaryMetricReason = options.PrimaryMetricReason ?? (options.PrimaryMetric is null
                    ? $"the run's first quality metric (no primary metric was chosen; set ReportOptions.PrimaryMetric and PrimaryMetricReason)"
                    : "chosen by the caller (ReportOptions.PrimaryMetric) without a stated reason"),
                ConfidenceLevel = options.ConfidenceLevel,
                Alpha = options.Alpha,
                Resamples = options.Resamples,
                Seed = options.Seed,
                LowerIsBetter = options.LowerIsBetter.Where(metricNames.Contains).ToArray(),
                Resampling = statistics.Resampling,
                MultipleComparisons = "Holm (over the comparisons against the best strategy on each metric)",
                MaxFailedShare = options.MaxFailedShare,
            },
            Currency = run.Prices.Currency,
            Prices = run.Prices.Prices.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            Strategies = strategies,
            Comparisons = comparisons,
            Recommendation = recommendation,
            NoRecommendation = noBasis,
            Errors = run.Records.SelectMany(ErrorsOf).ToArray(),
            Notes = notes,
            Items = run.Strategies.SelectMany(s => run.ItemIds.Select((id, i) => (s, id, i))).Select(x => new ItemScores
            {
                Strategy = x.s.Name,
                Item = x.id,
                Scores = metricNames.ToDictionary(m => m, m => run.ItemScores(x.s.Name, m)[x.i], StringComparer.Ordinal),
            }).ToArray(),
        };
    }

    /// <summary>A p-value as reports print it: never "0" ("&lt; 1e-16" below the limit of double precision), small values in scientific notation.</summary>
    /// <param name="p">The p-value.</param>
    /// <returns>The text, for example "0.0312", "3.2e-7" or "&lt; 1e-16".</returns>
    public static string FormatPValue(double p) => ReportFormatting.PValue(p);

    /// <summary>A p-value as reports print it, or "n/a" when there is none.</summary>
    /// <param name="p">The p-value, or <see langword="null"/>.</param>
    /// <returns>The text.</returns>
    public static string FormatPValue(double? p) => ReportFormatting.PValue(p);

    /// <summary>
    /// Re-prices a recorded report with a new price table without calling any model: each strategy's recorded token
    /// totals are priced with its declared model, and the recommendation is recomputed from the recorded comparisons and
    /// the new costs. Per-item values of a cost metric (<see cref="LatencyCostEvaluator"/>) keep the old prices; to
    /// re-price every record, keep the <see cref="ExperimentRun"/> and use <see cref="ExperimentRun.Recost"/>, or rerun
    /// with the response cache (no model calls) and the new table.
    /// </summary>
    /// <param name="prices">The new prices.</param>
    /// <returns>A copy with new costs and recommendation.</returns>
    public ExperimentReport Recost(PriceTable prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        var strategies = Strategies.Select(s =>
        {
            var answered = s.Runs - s.StrategyErrors;
            var total = prices.Cost(s.Strategy.Model, s.Cost.InputTokens, s.Cost.CachedInputTokens, s.Cost.OutputTokens);
            return new StrategyReport
            {
                Strategy = s.Strategy,
                Runs = s.Runs,
                FromCache = s.FromCache,
                StrategyErrors = s.StrategyErrors,
                EvaluationErrors = s.EvaluationErrors,
                Metrics = s.Metrics,
                Latency = s.Latency,
                Incomplete = s.Incomplete,
                Cost = new CostSummary
                {
                    Total = total ?? 0,
                    PerRun = total is null || answered == 0 ? null : total / answered,
                    UnpricedRuns = total is null ? answered : 0,
                    InputTokens = s.Cost.InputTokens,
                    CachedInputTokens = s.Cost.CachedInputTokens,
                    OutputTokens = s.Cost.OutputTokens,
                },
            };
        }).ToArray();
        var (recommendation, noBasis) = Recommender.Recommend(strategies, Comparisons, Settings.PrimaryMetric, Settings.Alpha, IsLowerBetter(Settings.PrimaryMetric));
        return Copy(
            prices.Currency,
            prices.Prices.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            strategies,
            (recommendation, noBasis),
            [.. Notes, "Re-costed with a new price table; per-item cost metric values keep the prices of the run."]);
    }

    /// <summary>Returns a copy with <paramref name="notes"/> appended (for example a fine-tuning decision made from this report).</summary>
    /// <param name="notes">The notes; each becomes one line of the Notes section.</param>
    /// <returns>The copy; this report is unchanged.</returns>
    public ExperimentReport WithNotes(IEnumerable<string> notes)
    {
        ArgumentNullException.ThrowIfNull(notes);
        var added = notes.ToArray();
        if (added.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("A note is empty; leave it out.", nameof(notes));
        }

        return Copy(Currency, Prices, Strategies, (Recommendation, NoRecommendation), [.. Notes, .. added]);
    }

    /// <summary>Returns a copy with <paramref name="decision"/> added (shown at the top of every rendering).</summary>
    /// <param name="decision">The decision.</param>
    /// <returns>The copy; this report is unchanged.</returns>
    public ExperimentReport WithDecision(ReportDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return Copy(Currency, Prices, Strategies, (Recommendation, NoRecommendation), Notes, [.. Decisions, decision]);
    }

    /// <summary>
    /// Returns a copy with a "Where it fails" section made from a failure analysis of this report's run: the analysed
    /// strategy's failure analysis, the top findings with their evidence, and the items they point at. The Markdown and
    /// HTML renderings show it after the comparisons.
    /// </summary>
    /// <param name="analysis">The analysis, from <see cref="DataWork.AnalyzeAsync(EvaluationDataset, DatasetSplits?, ExperimentRun, DataWorkOptions?, Microsoft.Extensions.AI.IEmbeddingGenerator{string, Microsoft.Extensions.AI.Embedding{float}}?, CancellationToken)"/> on the run this report was made from.</param>
    /// <param name="topFindings">How many findings to show. Default <see cref="WhereItFails.DefaultTopFindings"/>.</param>
    /// <returns>The copy; this report is unchanged. An earlier section is replaced.</returns>
    /// <exception cref="ArgumentException">The analysis is of another experiment or another test set than this report's.</exception>
    public ExperimentReport WithWhereItFails(DataWorkReport analysis, int topFindings = WhereItFails.DefaultTopFindings)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topFindings);
        var failures = analysis.Failures;
        if (!string.Equals(failures.Experiment, Name, StringComparison.Ordinal) || !string.Equals(failures.TestSet.Fingerprint, Dataset.Fingerprint, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The analysis is of experiment '{failures.Experiment}' on test set {failures.TestSet.Fingerprint}, but this report is of '{Name}' on {Dataset.Fingerprint}; analyse the run this report was made from.",
                nameof(analysis));
        }

        var section = new WhereItFails
        {
            Failures = failures,
            Findings = analysis.Findings.Take(topFindings).ToArray(),
            TotalFindings = analysis.Findings.Count,
            Items = analysis.ItemDetails,
        };
        return Copy(Currency, Prices, Strategies, (Recommendation, NoRecommendation), Notes, whereItFails: section);
    }

    /// <summary>A copy of this report's run, settings, comparisons, errors and items with new costs, recommendation and notes.</summary>
    private ExperimentReport Copy(string currency, IReadOnlyDictionary<string, ModelPrice> prices, IReadOnlyList<StrategyReport> strategies, (Recommendation? Made, string? NoBasis) recommendation, IReadOnlyList<string> notes, IReadOnlyList<ReportDecision>? decisions = null, WhereItFails? whereItFails = null) => new()
    {
        Name = Name,
        RunId = RunId,
        CompletedAt = CompletedAt,
        Dataset = Dataset,
        Repeats = Repeats,
        Settings = Settings,
        Currency = currency,
        Prices = prices,
        Strategies = strategies,
        Comparisons = Comparisons,
        Recommendation = recommendation.Made,
        NoRecommendation = recommendation.NoBasis,
        Decisions = decisions ?? Decisions,
        Errors = Errors,
        Notes = notes,
        Items = Items,
        WhereItFails = whereItFails ?? WhereItFails,
    };

    /// <summary>Loads a report written by <see cref="Save(string)"/>.</summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ExperimentFileException">The file is not an experiment report of a supported version.</exception>
    public static ExperimentReport Load(string path)
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

    /// <summary>Parses a report from JSON.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ExperimentFileException">The text is not an experiment report of a supported version.</exception>
    public static ExperimentReport FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        string? schema;
        int version;
        try
        {
            using var document = JsonDocument.Parse(json);
            schema = FileHeader.Text(document.RootElement, "schema");
            version = FileHeader.Version(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new ExperimentFileException($"not JSON ({ex.Message}); expected an experiment report.", ex);
        }

        if (schema != SchemaName)
        {
            throw new ExperimentFileException($"not an experiment report: its schema is '{schema}', expected '{SchemaName}'.");
        }

        if (version is < 1 or > SchemaVersion)
        {
            throw new ExperimentFileException($"an experiment report of version {version}; this library reads versions 1 to {SchemaVersion}. Regenerate the baseline with this version.");
        }

        try
        {
            return JsonSerializer.Deserialize(json, ReportJsonContext.Default.ExperimentReport)
                ?? throw new ExperimentFileException("the report is null.");
        }
        catch (JsonException ex)
        {
            throw new ExperimentFileException($"a corrupt experiment report ({ex.Message}).", ex);
        }
    }

    /// <summary>The report as indented JSON.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, ReportJsonContext.Default.ExperimentReport);

    /// <summary>The report as Markdown (for a pull-request comment).</summary>
    /// <returns>The Markdown text.</returns>
    public string ToMarkdown() => MarkdownReport.Render(this);

    /// <summary>The report as a self-contained HTML page with inline SVG charts (no scripts, no external resources).</summary>
    /// <returns>The HTML text.</returns>
    public string ToHtml() => HtmlReport.Render(this);

    /// <summary>Writes the report as JSON, atomically.</summary>
    /// <param name="path">The file.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.WriteAllText(path, ToJson());
    }

    /// <summary>Writes <c>report.json</c>, <c>report.md</c> and <c>report.html</c> into a folder, each atomically.</summary>
    /// <param name="directory">The folder (created when missing).</param>
    /// <returns>The three paths.</returns>
    public IReadOnlyList<string> SaveAll(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var paths = new[] { Path.Combine(directory, "report.json"), Path.Combine(directory, "report.md"), Path.Combine(directory, "report.html") };
        Save(paths[0]);
        AtomicFile.WriteAllText(paths[1], ToMarkdown());
        AtomicFile.WriteAllText(paths[2], ToHtml());
        return paths;
    }

    /// <summary>Gets a strategy's summary of a metric, or <see langword="null"/>.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="metric">The metric.</param>
    /// <returns>The summary.</returns>
    public MetricSummary? Metric(string strategy, string metric) =>
        Strategies.FirstOrDefault(s => s.Strategy.Name == strategy)?.Metrics.FirstOrDefault(m => m.Name == metric);

    internal bool IsLowerBetter(string metric) => Settings.LowerIsBetter.Contains(metric, StringComparer.Ordinal);

    private static IEnumerable<RunError> ErrorsOf(RunRecord record)
    {
        if (record.Error is not null)
        {
            yield return new RunError { Strategy = record.StrategyName, Item = record.ItemId, Repeat = record.Repeat, Message = record.Error };
        }

        foreach (var metric in record.Metrics.Where(m => m.Error is not null))
        {
            yield return new RunError { Strategy = record.StrategyName, Item = record.ItemId, Repeat = record.Repeat, Metric = metric.Name, Message = metric.Error! };
        }
    }
}

/// <summary>Source-generated JSON metadata for reports.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ExperimentReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
