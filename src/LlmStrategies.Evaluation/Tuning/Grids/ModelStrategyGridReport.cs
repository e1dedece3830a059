using System.Globalization;
using System.Text.Json;
using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.IO;

namespace LlmStrategies.Tuning;

/// <summary>
/// The pivot of a model × strategy grid, machine-readable and schema-versioned: per cell the metric's mean with its
/// interval, cost and tokens per call and the per-item scores; the best strategy per model; and the answers to
/// model-switch questions (each challenger cell against the incumbent, paired, with the cost of each). Render it as
/// JSON, Markdown or an HTML fragment.
/// </summary>
public sealed class ModelStrategyGridReport
{
    /// <summary>The schema name.</summary>
    public const string SchemaName = "llmstrategies.model-strategy-grid";

    /// <summary>The schema version this library writes and reads.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Gets the schema name.</summary>
    public string Schema { get; init; } = SchemaName;

    /// <summary>Gets the schema version.</summary>
    public int Version { get; init; } = SchemaVersion;

    /// <summary>Gets the report's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets when the run finished.</summary>
    public DateTimeOffset CompletedAt { get; init; }

    /// <summary>Gets the items the grid ran on.</summary>
    public required SplitSummary Dataset { get; init; }

    /// <summary>Gets the quality metric.</summary>
    public required string Metric { get; init; }

    /// <summary>Gets the price table's currency.</summary>
    public string Currency { get; init; } = "USD";

    /// <summary>Gets the statistical settings.</summary>
    public required TuningReportSettings Settings { get; init; }

    /// <summary>Gets the models (columns).</summary>
    public IReadOnlyList<GridModelSummary> Models { get; init; } = [];

    /// <summary>Gets the strategy names (rows).</summary>
    public IReadOnlyList<string> Strategies { get; init; } = [];

    /// <summary>Gets the item ids, the order of every cell's <see cref="GridCellReport.Scores"/>.</summary>
    public IReadOnlyList<string> ItemIds { get; init; } = [];

    /// <summary>Gets the cells, strategy by strategy.</summary>
    public IReadOnlyList<GridCellReport> Cells { get; init; } = [];

    /// <summary>Gets the answers to the model-switch questions.</summary>
    public IReadOnlyList<ModelSwitchAnswer> Answers { get; init; } = [];

    /// <summary>Gets notes about the run.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Gets a cell.</summary>
    /// <param name="strategy">The strategy's name.</param>
    /// <param name="model">The model's name.</param>
    /// <returns>The cell, or <see langword="null"/> when the grid did not run it.</returns>
    public GridCellReport? Cell(string strategy, string model) => Cells.FirstOrDefault(c => c.Strategy == strategy && c.Model == model);

    /// <summary>
    /// The best strategy per model with its cost: for each model, the cell with the highest mean on the metric (ties: the
    /// cheaper per call, then the strategy listed first). This is what a fine-tuning decision weighs: switching to
    /// another model's best cell is an alternative to fine-tuning, with no training cost. The choice is made on the
    /// grid's own items; confirm it on fresh items before acting on a close call.
    /// </summary>
    /// <returns>One cell per model, in model order (models with no scored cell are left out).</returns>
    public IReadOnlyList<GridCellReport> BestStrategyPerModel() =>
        Models
            .Select(m => Cells
                .Select((c, i) => (c, i))
                .Where(x => x.c.Model == m.Name && x.c.Score.Items > 0)
                .OrderByDescending(x => x.c.Score.Mean)
                .ThenBy(x => x.c.CostPerCall ?? decimal.MaxValue)
                .ThenBy(x => x.i)
                .Select(x => x.c)
                .FirstOrDefault())
            .OfType<GridCellReport>()
            .ToArray();

    /// <summary>Gets a model's price per one million tokens, or <see langword="null"/> when it has none.</summary>
    /// <param name="model">The model's name in the grid.</param>
    /// <returns>The price.</returns>
    public ModelPrice? PriceOf(string model) => Models.FirstOrDefault(m => m.Name == model)?.Price;

    /// <summary>Loads a report written by <see cref="Save"/>.</summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>The report.</returns>
    /// <exception cref="TuningFileException">The file is not a grid report of a supported version.</exception>
    public static ModelStrategyGridReport Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return FromJson(File.ReadAllText(path), path);
    }

    /// <summary>Parses a report from JSON.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">Where it came from, for error messages.</param>
    /// <returns>The report.</returns>
    /// <exception cref="TuningFileException">The text is not a grid report of a supported version.</exception>
    public static ModelStrategyGridReport FromJson(string json, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return TuningFiles.Deserialize(json, source ?? "grid report", SchemaName, SchemaVersion, TuningJsonContext.Default.ModelStrategyGridReport, "a model × strategy grid report");
    }

    /// <summary>The report as indented JSON.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, TuningJsonContext.Default.ModelStrategyGridReport);

    /// <summary>The report as Markdown: the pivot, the best strategy per model and the answers.</summary>
    /// <returns>The Markdown text.</returns>
    public string ToMarkdown() => GridMarkdownReport.Render(this);

    /// <summary>The report as an HTML fragment (a <c>section</c> with inline styles, every text HTML-encoded).</summary>
    /// <returns>The HTML text.</returns>
    public string ToHtmlFragment() => GridHtmlFragment.Render(this);

    /// <summary>Writes the report as JSON, atomically.</summary>
    /// <param name="path">The file.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.WriteAllText(path, ToJson());
    }

    /// <summary>Writes <c>{baseName}.json</c>, <c>{baseName}.md</c> and <c>{baseName}.fragment.html</c> into a folder, atomically.</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="baseName">The file name without extension. Default "model-strategy-grid".</param>
    /// <returns>The paths written.</returns>
    public IReadOnlyList<string> SaveAll(string directory, string baseName = "model-strategy-grid")
    {
        return TuningFiles.SaveAll(directory, baseName, ToJson(), ToMarkdown(), ToHtmlFragment());
    }

    /// <summary>Pivots a grid's run.</summary>
    /// <param name="run">The run of <see cref="ModelStrategyGrid.Entries"/>.</param>
    /// <param name="grid">The grid.</param>
    /// <param name="options">The metric, the questions and the statistics.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">The metric is not in the run, a cell is missing from the run, or a question names an unknown cell or model.</exception>
    public static ModelStrategyGridReport Create(ExperimentRun run, ModelStrategyGrid grid, GridReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(options);
        if (!run.MetricNames.Contains(options.Metric, StringComparer.Ordinal))
        {
            throw new ArgumentException($"The metric '{options.Metric}' is not a metric of the run (it has: {string.Join(", ", run.MetricNames)}).", nameof(options));
        }

        var settings = new TuningReportSettings { ConfidenceLevel = options.ConfidenceLevel, Alpha = options.Alpha, Resamples = options.Resamples, Seed = options.Seed };
        var cells = grid.Cells.Select(c => CellOf(run, c, options.Metric, settings)).ToArray();
        var answers = options.Questions.Select(q => Answer(q, cells, grid, settings)).ToArray();
        return new ModelStrategyGridReport
        {
            Name = options.Name,
            CompletedAt = run.CompletedAt,
            Dataset = new SplitSummary { Name = run.DatasetName, Items = run.ItemIds.Count, Fingerprint = run.DatasetFingerprint },
            Metric = options.Metric,
            Currency = run.Prices.Currency,
            Settings = settings,
            Models = grid.Models.Select(m => new GridModelSummary { Name = m.Name, PriceKey = m.PriceKey, Price = run.Prices.TryGetPrice(m.PriceKey, out var p) ? p : null, IsFineTuned = m.IsFineTuned }).ToArray(),
            Strategies = grid.Strategies.Select(s => s.Name).ToArray(),
            ItemIds = run.ItemIds,
            Cells = cells,
            Answers = answers,
            Notes = ["All cells ran on the same items in one experiment, so comparisons between cells are paired.", "The best strategy per model is chosen on these items; a close call should be confirmed on fresh items."],
        };
    }

    private static GridCellReport CellOf(ExperimentRun run, GridCell cell, string metric, TuningReportSettings settings)
    {
        var name = cell.Entry.Strategy.Name;
        var records = run.Records.Where(r => r.StrategyName == name).ToArray();
        if (records.Length == 0)
        {
            throw new ArgumentException($"The run has no records of cell '{name}'; pivot the run of this grid's entries.", nameof(run));
        }

        var answered = records.Where(r => r.Response is not null).ToArray();
        var scores = run.ItemScores(name, metric);
        double PerCall(Func<RecordedResponse, long> tokens) => answered.Length == 0 ? 0 : answered.Average(r => (double)tokens(r.Response!));
        return new GridCellReport
        {
            Strategy = cell.Strategy,
            Model = cell.Model,
            Fingerprint = cell.Entry.Strategy.Fingerprint.Value,
            Score = TuningStatistics.Summarize(scores, settings),
            Errors = records.Count(r => r.Error is not null),
            CostPerCall = answered.Length == 0 || answered.Any(r => r.Cost is null) ? null : answered.Average(r => r.Cost!.Value),
            InputTokensPerCall = PerCall(r => r.InputTokens),
            CachedInputTokensPerCall = PerCall(r => r.CachedInputTokens),
            OutputTokensPerCall = PerCall(r => r.OutputTokens),
            Scores = scores,
        };
    }

    private static ModelSwitchAnswer Answer(ModelSwitchQuestion question, GridCellReport[] cells, ModelStrategyGrid grid, TuningReportSettings settings)
    {
        ArgumentNullException.ThrowIfNull(question);
        var incumbent = cells.FirstOrDefault(c => c.Strategy == question.IncumbentStrategy && c.Model == question.IncumbentModel)
            ?? throw new ArgumentException($"The grid has no cell '{ModelStrategyGrid.CellName(question.IncumbentStrategy, question.IncumbentModel)}' for the incumbent.", nameof(question));
        if (grid.Models.All(m => m.Name != question.ChallengerModel))
        {
            throw new ArgumentException($"The grid has no model '{question.ChallengerModel}' (it has: {string.Join(", ", grid.Models.Select(m => m.Name))}).", nameof(question));
        }

        var comparisons = cells
            .Where(c => c.Model == question.ChallengerModel && !(c.Strategy == incumbent.Strategy && c.Model == incumbent.Model))
            .Select(c =>
            {
                var difference = TuningStatistics.Compare(c.Scores, incumbent.Scores, settings);
                return new ModelSwitchComparison
                {
                    Strategy = c.Strategy,
                    Mean = c.Score.Mean,
                    Difference = difference,
                    Verdict = difference.Items == 0 ? "not comparable" : difference.Significant ? (difference.Difference > 0 ? "better" : "worse") : "indistinguishable",
                    CostPerCall = c.CostPerCall,
                    CostRatio = c.CostPerCall is { } cost && incumbent.CostPerCall is { } baseCost && baseCost > 0 ? (double)(cost / baseCost) : null,
                };
            })
            .ToArray();
        var acceptable = comparisons
            .Select((c, i) => (c, i))
            .Where(x => x.c.Verdict is "better" or "indistinguishable")
            .OrderBy(x => x.c.CostPerCall is null ? 1 : 0)
            .ThenBy(x => x.c.CostPerCall ?? 0)
            .ThenByDescending(x => x.c.Mean)
            .ThenBy(x => x.i)
            .Select(x => x.c)
            .FirstOrDefault();
        return new ModelSwitchAnswer
        {
            Question = question,
            IncumbentMean = incumbent.Score.Mean,
            IncumbentCostPerCall = incumbent.CostPerCall,
            Comparisons = comparisons,
            Recommended = acceptable?.Strategy,
            Answer = AnswerText(question, incumbent, comparisons, acceptable),
        };
    }

    private static string AnswerText(ModelSwitchQuestion q, GridCellReport incumbent, ModelSwitchComparison[] comparisons, ModelSwitchComparison? acceptable)
    {
        static string N(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
        static string S(double v) => v.ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture);
        static string C(decimal? c) => c is { } v ? v.ToString("0.########", CultureInfo.InvariantCulture) : "unknown";
        var incumbentName = ModelStrategyGrid.CellName(q.IncumbentStrategy, q.IncumbentModel);
        if (comparisons.Length == 0)
        {
            return $"No strategy ran on '{q.ChallengerModel}' besides the incumbent cell; nothing to compare.";
        }

        if (acceptable is null)
        {
            var closest = comparisons.OrderByDescending(c => c.Difference.Difference).First();
            return $"No: every strategy on '{q.ChallengerModel}' is significantly worse than '{incumbentName}' ({N(incumbent.Score.Mean)}); the closest, '{closest.Strategy}', differs by {S(closest.Difference.Difference)} [{S(closest.Difference.Lower)}, {S(closest.Difference.Upper)}].";
        }

        var ratio = acceptable.CostRatio is { } r ? $" ({r.ToString("0.##", CultureInfo.InvariantCulture)}× the incumbent's cost)" : string.Empty;
        return $"Yes: '{acceptable.Strategy}' on '{q.ChallengerModel}' is {(acceptable.Verdict == "better" ? "significantly better than" : "not significantly different from")} '{incumbentName}': {N(acceptable.Mean)} vs {N(incumbent.Score.Mean)}, difference {S(acceptable.Difference.Difference)} [{S(acceptable.Difference.Lower)}, {S(acceptable.Difference.Upper)}], at {C(acceptable.CostPerCall)} per call vs {C(incumbent.CostPerCall)}{ratio}; it is the cheapest challenger cell that is not significantly worse.";
    }
}

/// <summary>A model of a grid report.</summary>
public sealed class GridModelSummary
{
    /// <summary>Gets the column name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the price-table id.</summary>
    public required string PriceKey { get; init; }

    /// <summary>Gets the price per one million tokens, or <see langword="null"/> when the table has none.</summary>
    public ModelPrice? Price { get; init; }

    /// <summary>Gets a value indicating whether the model is fine-tuned.</summary>
    public bool IsFineTuned { get; init; }
}

/// <summary>One cell of the pivot.</summary>
public sealed class GridCellReport
{
    /// <summary>Gets the strategy (row).</summary>
    public required string Strategy { get; init; }

    /// <summary>Gets the model (column).</summary>
    public required string Model { get; init; }

    /// <summary>Gets the cell pipeline's fingerprint.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Gets the metric's mean with its interval.</summary>
    public required ScoreSummary Score { get; init; }

    /// <summary>Gets the runs that failed.</summary>
    public int Errors { get; init; }

    /// <summary>Gets the mean cost per answered call, or <see langword="null"/> when the model has no price.</summary>
    public decimal? CostPerCall { get; init; }

    /// <summary>Gets the mean input tokens per answered call (cached ones included).</summary>
    public double InputTokensPerCall { get; init; }

    /// <summary>Gets the mean cached input tokens per answered call.</summary>
    public double CachedInputTokensPerCall { get; init; }

    /// <summary>Gets the mean output tokens per answered call.</summary>
    public double OutputTokensPerCall { get; init; }

    /// <summary>Gets the per-item scores in the report's <see cref="ModelStrategyGridReport.ItemIds"/> order (null: unscored), paired across cells.</summary>
    public IReadOnlyList<double?> Scores { get; init; } = [];
}

/// <summary>The answer to a <see cref="ModelSwitchQuestion"/>.</summary>
public sealed class ModelSwitchAnswer
{
    /// <summary>Gets the question.</summary>
    public required ModelSwitchQuestion Question { get; init; }

    /// <summary>Gets the incumbent cell's mean.</summary>
    public double IncumbentMean { get; init; }

    /// <summary>Gets the incumbent's cost per call, or <see langword="null"/>.</summary>
    public decimal? IncumbentCostPerCall { get; init; }

    /// <summary>Gets every challenger cell against the incumbent.</summary>
    public IReadOnlyList<ModelSwitchComparison> Comparisons { get; init; } = [];

    /// <summary>Gets the cheapest challenger strategy that is not significantly worse, or <see langword="null"/> when every one is.</summary>
    public string? Recommended { get; init; }

    /// <summary>Gets the answer in one sentence.</summary>
    public required string Answer { get; init; }
}

/// <summary>One challenger cell against the incumbent.</summary>
public sealed class ModelSwitchComparison
{
    /// <summary>Gets the challenger cell's strategy.</summary>
    public required string Strategy { get; init; }

    /// <summary>Gets its mean.</summary>
    public double Mean { get; init; }

    /// <summary>Gets challenger − incumbent, paired.</summary>
    public required PairedComparison Difference { get; init; }

    /// <summary>Gets "better", "indistinguishable", "worse" or "not comparable".</summary>
    public required string Verdict { get; init; }

    /// <summary>Gets its cost per call, or <see langword="null"/>.</summary>
    public decimal? CostPerCall { get; init; }

    /// <summary>Gets its cost per call over the incumbent's, or <see langword="null"/> when either is unknown (or the incumbent's is 0).</summary>
    public double? CostRatio { get; init; }
}
