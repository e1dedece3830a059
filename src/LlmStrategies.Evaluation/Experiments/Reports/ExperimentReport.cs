using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Statistics;
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

    /// <summary>The schema version this library writes and reads.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Gets the schema name.</summary>
    [JsonPropertyName("schema")]
    public string Schema { get; init; } = SchemaName;

    /// <summary>Gets the schema version.</summary>
    [JsonPropertyName("version")]
    public int Version { get; init; } = SchemaVersion;

    /// <summary>Gets the experiment's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

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

    /// <summary>Gets the recommendation, or <see langword="null"/> when no strategy has a value on the primary metric.</summary>
    [JsonPropertyName("recommendation")]
    public Recommendation? Recommendation { get; init; }

    /// <summary>Gets every strategy and evaluation error.</summary>
    [JsonPropertyName("errors")]
    public IReadOnlyList<RunError> Errors { get; init; } = [];

    /// <summary>Gets notes (resumed checkpoint, torn lines, the baseline-model caveat...).</summary>
    [JsonPropertyName("notes")]
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Gets the per-item scores.</summary>
    [JsonPropertyName("items")]
    public IReadOnlyList<ItemScores> Items { get; init; } = [];

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
        var strategies = run.Strategies.Select(s => Summarise(run, s, metricNames, binary, options)).ToArray();
        var comparisons = new List<StrategyComparison>();
        foreach (var metric in metricNames)
        {
            comparisons.AddRange(Compare(run, metric, binary[metric] && run.Repeats == 1, options));
        }

        var notes = new List<string>(run.Notes);
        if (run.Estimate is { } estimate)
        {
            notes.Add($"Pre-flight estimate: {estimate}.");
        }

        return new ExperimentReport
        {
            Name = run.Name,
            CompletedAt = run.CompletedAt,
            Dataset = new DatasetSummary { Name = run.DatasetName, Fingerprint = run.DatasetFingerprint, Items = run.ItemIds.Count },
            Repeats = run.Repeats,
            Settings = new ReportSettings
            {
                PrimaryMetric = primary,
                ConfidenceLevel = options.ConfidenceLevel,
                Alpha = options.Alpha,
                Resamples = options.Resamples,
                Seed = options.Seed,
                LowerIsBetter = options.LowerIsBetter.Where(metricNames.Contains).ToArray(),
            },
            Currency = run.Prices.Currency,
            Prices = run.Prices.Prices.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            Strategies = strategies,
            Comparisons = comparisons,
            Recommendation = Recommend(strategies, comparisons, primary, options),
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
        var options = new ReportOptions { Alpha = Settings.Alpha, ConfidenceLevel = Settings.ConfidenceLevel, Resamples = Settings.Resamples, Seed = Settings.Seed };
        options.LowerIsBetter.Clear();
        options.LowerIsBetter.UnionWith(Settings.LowerIsBetter);
        return Copy(
            prices.Currency,
            prices.Prices.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            strategies,
            Recommend(strategies, [.. Comparisons], Settings.PrimaryMetric, options),
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

        return Copy(Currency, Prices, Strategies, Recommendation, [.. Notes, .. added]);
    }

    /// <summary>A copy of this report's run, settings, comparisons, errors and items with new costs, recommendation and notes.</summary>
    private ExperimentReport Copy(string currency, IReadOnlyDictionary<string, ModelPrice> prices, IReadOnlyList<StrategyReport> strategies, Recommendation? recommendation, IReadOnlyList<string> notes) => new()
    {
        Name = Name,
        CompletedAt = CompletedAt,
        Dataset = Dataset,
        Repeats = Repeats,
        Settings = Settings,
        Currency = currency,
        Prices = prices,
        Strategies = strategies,
        Comparisons = Comparisons,
        Recommendation = recommendation,
        Errors = Errors,
        Notes = notes,
        Items = Items,
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

        if (version != SchemaVersion)
        {
            throw new ExperimentFileException($"an experiment report of version {version}; this library reads version {SchemaVersion}. Regenerate the baseline with this version.");
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

    private static StrategyReport Summarise(ExperimentRun run, StrategyInfo strategy, IReadOnlyList<string> metricNames, Dictionary<string, bool> binary, ReportOptions options)
    {
        var records = run.Records.Where(r => r.StrategyName == strategy.Name).ToArray();
        var metrics = new List<MetricSummary>();
        foreach (var metric in metricNames)
        {
            var scores = run.ItemScores(strategy.Name, metric);
            var values = scores.Where(v => v is not null).Select(v => v!.Value).ToArray();
            if (values.Length == 0)
            {
                metrics.Add(new MetricSummary { Name = metric, IsBinary = binary[metric], Mean = double.NaN, Lower = double.NaN, Upper = double.NaN, Count = 0, Missing = scores.Count });
                continue;
            }

            var interval = Bootstrap.Mean(values, options.Seed, options.Resamples, options.ConfidenceLevel);
            metrics.Add(new MetricSummary { Name = metric, IsBinary = binary[metric], Mean = interval.Estimate, Lower = interval.Lower, Upper = interval.Upper, Count = values.Length, Missing = scores.Count - values.Length });
        }

        var responses = records.Where(r => r.Response is not null).Select(r => r.Response!).ToArray();
        var latencies = responses.Select(r => r.LatencyMs).ToArray();
        var priced = records.Where(r => r.Response is not null && r.Cost is not null).ToArray();
        return new StrategyReport
        {
            Strategy = strategy,
            Runs = records.Length,
            FromCache = records.Count(r => r.FromCache),
            StrategyErrors = records.Count(r => r.Error is not null),
            EvaluationErrors = records.Sum(r => r.Metrics.Count(m => m.Error is not null)),
            Metrics = metrics,
            Cost = new CostSummary
            {
                Total = priced.Sum(r => r.Cost!.Value),
                PerRun = priced.Length == 0 ? null : priced.Sum(r => r.Cost!.Value) / priced.Length,
                UnpricedRuns = responses.Length - priced.Length,
                InputTokens = responses.Sum(r => r.InputTokens),
                CachedInputTokens = responses.Sum(r => r.CachedInputTokens),
                OutputTokens = responses.Sum(r => r.OutputTokens),
            },
            Latency = latencies.Length == 0
                ? new LatencySummary { P50 = double.NaN, P95 = double.NaN, P99 = double.NaN, Mean = double.NaN }
                : new LatencySummary { P50 = Quantiles.Of(latencies, 0.50), P95 = Quantiles.Of(latencies, 0.95), P99 = Quantiles.Of(latencies, 0.99), Mean = latencies.Average() },
        };
    }

    private static List<StrategyComparison> Compare(ExperimentRun run, string metric, bool binary, ReportOptions options)
    {
        var lowerBetter = options.LowerIsBetter.Contains(metric);
        var scores = run.Strategies.ToDictionary(s => s.Name, s => run.ItemScores(s.Name, metric), StringComparer.Ordinal);
        var means = scores
            .Select(p => (Name: p.Key, Values: p.Value.Where(v => v is not null).Select(v => v!.Value).ToArray()))
            .Where(p => p.Values.Length > 0)
            .Select(p => (p.Name, Mean: p.Values.Average()))
            .ToArray();
        if (means.Length < 2)
        {
            return [];
        }

        // Ties go to the strategy entered first.
        var best = lowerBetter ? means.MinBy(m => m.Mean).Name : means.MaxBy(m => m.Mean).Name;
        var result = new List<StrategyComparison>();
        foreach (var (other, _) in means)
        {
            if (other == best)
            {
                continue;
            }

            var a = new List<double>();
            var b = new List<double>();
            for (var i = 0; i < run.ItemIds.Count; i++)
            {
                if (scores[best][i] is { } x && scores[other][i] is { } y)
                {
                    a.Add(x);
                    b.Add(y);
                }
            }

            if (a.Count == 0)
            {
                continue;
            }

            var test = binary
                ? PairedTests.McNemar(a.Select(v => v >= 0.5).ToArray(), b.Select(v => v >= 0.5).ToArray())
                : PairedTests.Permutation(a, b, options.Seed, options.Resamples);
            var interval = Bootstrap.PairedDifference(a, b, options.Seed, options.Resamples, options.ConfidenceLevel);
            result.Add(new StrategyComparison
            {
                Metric = metric,
                Best = best,
                Other = other,
                Count = a.Count,
                Difference = interval.Estimate,
                Lower = interval.Lower,
                Upper = interval.Upper,
                Test = test.Method,
                PValue = test.PValue,
                EffectSize = PairedTests.CohensDz(a, b),
                Significant = test.PValue < options.Alpha,
            });
        }

        return result;
    }

    private static Recommendation? Recommend(StrategyReport[] strategies, List<StrategyComparison> comparisons, string primary, ReportOptions options)
    {
        var scored = strategies.Where(s => s.Metrics.Any(m => m.Name == primary && m.Count > 0)).ToArray();
        if (scored.Length == 0)
        {
            return null;
        }

        var lowerBetter = options.LowerIsBetter.Contains(primary);
        var byPrimary = comparisons.Where(c => c.Metric == primary).ToArray();
        var best = byPrimary.FirstOrDefault()?.Best ?? scored[0].Strategy.Name;
        var reasoning = new List<string>();
        string Mean(StrategyReport s) => s.Metrics.First(m => m.Name == primary).Mean.ToString("F3", CultureInfo.InvariantCulture);
        var bestReport = scored.First(s => s.Strategy.Name == best);
        reasoning.Add($"Best on {primary}: {best} ({Mean(bestReport)}, {(lowerBetter ? "lower" : "higher")} is better).");
        var candidates = new List<StrategyReport> { bestReport };
        foreach (var c in byPrimary)
        {
            var other = scored.First(s => s.Strategy.Name == c.Other);
            var p = c.PValue.ToString("G3", CultureInfo.InvariantCulture);
            if (c.Significant)
            {
                reasoning.Add($"{c.Other} ({Mean(other)}) is significantly {(lowerBetter ? "higher" : "lower")} than {best}: {c.Test}, p = {p} < {options.Alpha.ToString(CultureInfo.InvariantCulture)}; excluded.");
            }
            else
            {
                candidates.Add(other);
                reasoning.Add($"{c.Other} ({Mean(other)}) is not significantly different from {best}: {c.Test}, p = {p} ≥ {options.Alpha.ToString(CultureInfo.InvariantCulture)}; a candidate.");
            }
        }

        // Cheapest by known cost per run (unknown costs rank last); at equal cost (free or local models) the one using
        // fewer tokens per run (what a priced model would charge for), then the faster by median latency, then entry order.
        var chosen = candidates
            .Select((s, order) => (s, order))
            .OrderBy(x => x.s.Cost.PerRun is null ? 1 : 0)
            .ThenBy(x => x.s.Cost.PerRun ?? 0)
            .ThenBy(x => TokensPerRun(x.s))
            .ThenBy(x => double.IsNaN(x.s.Latency.P50) ? double.MaxValue : x.s.Latency.P50)
            .ThenBy(x => x.order)
            .First().s;
        var costs = string.Join("; ", candidates.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Strategy.Name}: {(s.Cost.PerRun is { } c ? c.ToString("0.######", CultureInfo.InvariantCulture) : "unknown")} per run, {TokensPerRun(s):F0} tokens per run, p50 {s.Latency.P50:F2} ms")));
        reasoning.Add(candidates.Count == 1
            ? $"Only {best} remains, so it is recommended."
            : $"Among the candidates ({costs}) the cheapest (then fewest tokens, then fastest) is {chosen.Strategy.Name}.");
        if (candidates.Count > 1)
        {
            reasoning.Add("Not significantly different is not proof of equivalence: with more test items a small difference may become significant.");
        }

        return new Recommendation { Strategy = chosen.Strategy.Name, Best = best, Candidates = candidates.Select(c => c.Strategy.Name).ToArray(), Reasoning = reasoning };
    }

    private static double TokensPerRun(StrategyReport s) => s.Runs == 0 ? 0 : (double)(s.Cost.InputTokens + s.Cost.OutputTokens) / s.Runs;

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
