using System.Globalization;
using System.Text.Json;
using LlmStrategies.Evaluation;
using LlmStrategies.IO;

namespace LlmStrategies.Tuning;

/// <summary>
/// The honest report of a tuning, machine-readable and schema-versioned: the configuration chosen on the selection split
/// (dev, or train for retrieval-only tuning) with its score there, then the one evaluation on the test split with
/// confidence intervals and the paired comparison against the untuned default (and any references), and how much of the
/// selection gain survived on test (the winner's curse). Render it as JSON, Markdown or an HTML fragment.
/// </summary>
public sealed class TuningReport
{
    /// <summary>The schema name.</summary>
    public const string SchemaName = "llmstrategies.tuning-report";

    /// <summary>The schema version this library writes and reads.</summary>
    public const int SchemaVersion = 1;

    /// <summary>The <see cref="Kind"/> of a strategy tuning (<see cref="StrategyTuner"/>).</summary>
    public const string StrategyKind = "strategy";

    /// <summary>The <see cref="Kind"/> of a fusion tuning (<see cref="HybridFusionTuner"/>).</summary>
    public const string HybridFusionKind = "hybrid-fusion";

    /// <summary>Gets the schema name.</summary>
    public string Schema { get; init; } = SchemaName;

    /// <summary>Gets the schema version.</summary>
    public int Version { get; init; } = SchemaVersion;

    /// <summary>Gets the tuning's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets what was tuned: <see cref="StrategyKind"/> or <see cref="HybridFusionKind"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>Gets the metric that was maximised and reported.</summary>
    public required string Metric { get; init; }

    /// <summary>Gets when the hold-out evaluation finished.</summary>
    public DateTimeOffset CompletedAt { get; init; }

    /// <summary>Gets the statistical settings.</summary>
    public required TuningReportSettings Settings { get; init; }

    /// <summary>Gets what the search did and spent.</summary>
    public required TuningSearchSummary Search { get; init; }

    /// <summary>Gets the train split.</summary>
    public required SplitSummary Train { get; init; }

    /// <summary>Gets the split the choice was made on (dev; train for a fusion tuning).</summary>
    public required SplitSummary Selection { get; init; }

    /// <summary>Gets the test split, evaluated once.</summary>
    public required SplitSummary Test { get; init; }

    /// <summary>Gets the chosen configuration's scores.</summary>
    public required ConfigurationScores Chosen { get; init; }

    /// <summary>Gets the untuned default's scores.</summary>
    public required ConfigurationScores Baseline { get; init; }

    /// <summary>Gets chosen − default on the selection split (paired).</summary>
    public required PairedComparison SelectionGain { get; init; }

    /// <summary>Gets chosen − default on the test split (paired).</summary>
    public required PairedComparison TestGain { get; init; }

    /// <summary>Gets the selection gain minus the test gain: how much of the gain measured where the choice was made did not carry to new data.</summary>
    public double WinnersCurse { get; init; }

    /// <summary>Gets the chosen configuration's selection mean minus its test mean.</summary>
    public double ChosenDrop { get; init; }

    /// <summary>Gets the reference strategies on the test split, each compared with the choice.</summary>
    public IReadOnlyList<ReferenceScores> References { get; init; } = [];

    /// <summary>Gets the candidates by how far they got (the choice first), at most 25.</summary>
    public IReadOnlyList<LeaderboardEntry> Leaderboard { get; init; } = [];

    /// <summary>Gets the conclusions, one sentence each (computed from the figures above).</summary>
    public IReadOnlyList<string> Verdict => VerdictOf(this);

    /// <summary>Gets notes about the run.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Loads a report written by <see cref="Save"/>.</summary>
    /// <param name="path">The JSON file.</param>
    /// <returns>The report.</returns>
    /// <exception cref="TuningFileException">The file is not a tuning report of a supported version.</exception>
    public static TuningReport Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return FromJson(File.ReadAllText(path), path);
    }

    /// <summary>Parses a report from JSON.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">Where it came from, for error messages.</param>
    /// <returns>The report.</returns>
    /// <exception cref="TuningFileException">The text is not a tuning report of a supported version.</exception>
    public static TuningReport FromJson(string json, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return TuningFiles.Deserialize(json, source ?? "tuning report", SchemaName, SchemaVersion, TuningJsonContext.Default.TuningReport, "a tuning report");
    }

    /// <summary>The report as indented JSON.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, TuningJsonContext.Default.TuningReport);

    /// <summary>The report as Markdown.</summary>
    /// <returns>The Markdown text.</returns>
    public string ToMarkdown() => TuningMarkdownReport.Render(this);

    /// <summary>The report as an HTML fragment (a <c>section</c> with inline styles, every text HTML-encoded) to embed in a page.</summary>
    /// <returns>The HTML text.</returns>
    public string ToHtmlFragment() => TuningHtmlFragment.Render(this);

    /// <summary>Writes the report as JSON, atomically.</summary>
    /// <param name="path">The file.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.WriteAllText(path, ToJson());
    }

    /// <summary>Writes <c>{baseName}.json</c>, <c>{baseName}.md</c> and <c>{baseName}.fragment.html</c> into a folder, atomically.</summary>
    /// <param name="directory">The folder (created when missing).</param>
    /// <param name="baseName">The file name without extension. Default "tuning-report".</param>
    /// <returns>The paths written.</returns>
    public IReadOnlyList<string> SaveAll(string directory, string baseName = "tuning-report")
    {
        return TuningFiles.SaveAll(directory, baseName, ToJson(), ToMarkdown(), ToHtmlFragment());
    }

    internal static TuningReport Create(TuningReportInputs inputs)
    {
        var settings = inputs.Settings;
        var chosen = Scores(inputs.Chosen, settings);
        var baseline = Scores(inputs.Baseline, settings);
        var selectionGain = TuningStatistics.Compare(TuningStatistics.Nullable(inputs.Chosen.Selection), TuningStatistics.Nullable(inputs.Baseline.Selection), settings);
        var testGain = TuningStatistics.Compare(inputs.Chosen.Test, inputs.Baseline.Test, settings);
        var references = inputs.References.Select(r => new ReferenceScores
        {
            Name = r.Name,
            Fingerprint = r.Fingerprint,
            Test = TuningStatistics.Summarize(r.Test, settings),
            ChosenMinusReference = TuningStatistics.Compare(inputs.Chosen.Test, r.Test, settings),
        }).ToArray();
        return new TuningReport
        {
            Name = inputs.Name,
            Kind = inputs.Kind,
            Metric = inputs.Metric,
            CompletedAt = inputs.CompletedAt,
            Settings = settings,
            Search = inputs.Search,
            Train = inputs.Train,
            Selection = inputs.Selection,
            Test = inputs.Test,
            Chosen = chosen,
            Baseline = baseline,
            SelectionGain = selectionGain,
            TestGain = testGain,
            WinnersCurse = selectionGain.Difference - testGain.Difference,
            ChosenDrop = chosen.Selection.Mean - chosen.Test.Mean,
            References = references,
            Leaderboard = inputs.Leaderboard.Take(25).ToArray(),
            Notes = inputs.Notes,
        };
    }

    private static ConfigurationScores Scores(ConfigurationOutcome outcome, TuningReportSettings settings) => new()
    {
        Name = outcome.Name,
        Point = outcome.Point,
        Fingerprint = outcome.Fingerprint,
        Selection = TuningStatistics.Summarize(TuningStatistics.Nullable(outcome.Selection), settings),
        Test = TuningStatistics.Summarize(outcome.Test, settings),
    };

    private static List<string> VerdictOf(TuningReport r)
    {
        static string N(double v) => double.IsNaN(v) ? "n/a" : v.ToString("F4", CultureInfo.InvariantCulture);
        static string S(double v) => double.IsNaN(v) ? "n/a" : v.ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture);
        static string Gain(PairedComparison c) => $"{S(c.Difference)} [{S(c.Lower)}, {S(c.Upper)}], {c.Test} p {P(c.PValue)}";
        static string Word(PairedComparison c) => c.Items == 0 ? "not comparable (no paired items)"
            : c.Significant ? (c.Difference > 0 ? "significantly better" : "significantly worse")
            : "not significantly different";
        var level = r.Settings.ConfidenceLevel.ToString("P0", CultureInfo.InvariantCulture).Replace(" ", string.Empty, StringComparison.Ordinal);
        var same = r.Chosen.Fingerprint == r.Baseline.Fingerprint;
        var lines = new List<string>
        {
            $"Chosen on {r.Selection.Name} ({r.Selection.Items} items): {(same ? "the untuned default itself" : string.Join("; ", r.Chosen.Point.Select(p => $"{p.Key}={p.Value}")))}; {r.Metric} {N(r.Chosen.Selection.Mean)} there vs {N(r.Baseline.Selection.Mean)} for the untuned default (gain {Gain(r.SelectionGain)}).",
            $"On the test split ({r.Test.Items} items, evaluated once): {r.Metric} {N(r.Chosen.Test.Mean)} [{N(r.Chosen.Test.Lower)}, {N(r.Chosen.Test.Upper)}] tuned vs {N(r.Baseline.Test.Mean)} [{N(r.Baseline.Test.Lower)}, {N(r.Baseline.Test.Upper)}] untuned: gain {Gain(r.TestGain)} ({level} intervals): {Word(r.TestGain)}.",
            $"Winner's curse: the gain was {S(r.SelectionGain.Difference)} on {r.Selection.Name} and {S(r.TestGain.Difference)} on test, a shrinkage of {S(r.WinnersCurse)}; the chosen configuration's own score moved {S(-r.ChosenDrop)} from {r.Selection.Name} to test. A score measured where the choice was made is optimistic; the test figures are the ones to quote.",
        };
        foreach (var reference in r.References)
        {
            lines.Add($"Against {reference.Name} ({N(reference.Test.Mean)} on test): tuned − it = {Gain(reference.ChosenMinusReference)}: the tuned configuration is {Word(reference.ChosenMinusReference)}.");
        }

        lines.Add($"Significant means the paired permutation test's p < {r.Settings.Alpha.ToString(CultureInfo.InvariantCulture)} and the paired bootstrap interval excludes 0.");
        return lines;
    }

    private static string P(double p) => double.IsNaN(p) ? "n/a" : p < 0.0001 ? "< 0.0001" : "= " + p.ToString("0.0000", CultureInfo.InvariantCulture);
}

/// <summary>The statistical settings of a tuning report.</summary>
public sealed class TuningReportSettings
{
    /// <summary>Gets the confidence level of the intervals.</summary>
    public double ConfidenceLevel { get; init; } = 0.95;

    /// <summary>Gets the significance level.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>Gets the bootstrap resamples and random permutations.</summary>
    public int Resamples { get; init; } = 10_000;

    /// <summary>Gets the seed of the search and the statistics.</summary>
    public int Seed { get; init; }
}

/// <summary>What a search did and spent.</summary>
public sealed class TuningSearchSummary
{
    /// <summary>Gets the search method (for example "SuccessiveHalving", or "Grid").</summary>
    public required string Method { get; init; }

    /// <summary>Gets the distinct candidates scored (points that built the same strategy count once).</summary>
    public int Candidates { get; init; }

    /// <summary>Gets the points searched, duplicates included.</summary>
    public int PointsSearched { get; init; }

    /// <summary>Gets the rounds.</summary>
    public IReadOnlyList<SearchRound> Rounds { get; init; } = [];

    /// <summary>Gets the strategy runs that were not served from the response cache (0 for a fusion tuning: no model calls).</summary>
    public int UncachedRuns { get; init; }

    /// <summary>Gets what the search spent.</summary>
    public decimal? Cost { get; init; }

    /// <summary>Gets the currency.</summary>
    public string Currency { get; init; } = "USD";

    /// <summary>Gets the pre-flight estimate, as text.</summary>
    public string? Estimate { get; init; }

    /// <summary>Gets the estimated runs (an upper bound for successive halving).</summary>
    public long EstimatedRuns { get; init; }

    /// <summary>Gets the estimated cost, or <see langword="null"/> when unknown.</summary>
    public decimal? EstimatedCost { get; init; }
}

/// <summary>A split as a report records it.</summary>
public sealed class SplitSummary
{
    /// <summary>Gets the split's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the number of items.</summary>
    public int Items { get; init; }

    /// <summary>Gets the content fingerprint of its items.</summary>
    public required string Fingerprint { get; init; }

    internal static SplitSummary Of(EvaluationDataset dataset) => new() { Name = dataset.Name, Items = dataset.Items.Count, Fingerprint = EvaluationDataset.FingerprintOf(dataset.Items) };
}

/// <summary>A mean with its confidence interval.</summary>
public sealed class ScoreSummary
{
    /// <summary>Gets the mean (NaN when no item has a value).</summary>
    public double Mean { get; init; }

    /// <summary>Gets the interval's lower bound.</summary>
    public double Lower { get; init; }

    /// <summary>Gets the interval's upper bound.</summary>
    public double Upper { get; init; }

    /// <summary>Gets the number of items with a value.</summary>
    public int Items { get; init; }
}

/// <summary>A paired difference a − b with its interval and test.</summary>
public sealed class PairedComparison
{
    /// <summary>Gets the mean difference.</summary>
    public double Difference { get; init; }

    /// <summary>Gets the interval's lower bound.</summary>
    public double Lower { get; init; }

    /// <summary>Gets the interval's upper bound.</summary>
    public double Upper { get; init; }

    /// <summary>Gets the two-sided p-value.</summary>
    public double PValue { get; init; }

    /// <summary>Gets the test's name.</summary>
    public required string Test { get; init; }

    /// <summary>Gets the paired items.</summary>
    public int Items { get; init; }

    /// <summary>Gets a value indicating whether the difference is significant (p below α and the interval excludes 0).</summary>
    public bool Significant { get; init; }
}

/// <summary>A configuration's scores where it was chosen and on test.</summary>
public sealed class ConfigurationScores
{
    /// <summary>Gets its name in the test run.</summary>
    public required string Name { get; init; }

    /// <summary>Gets its settings as text.</summary>
    public required IReadOnlyDictionary<string, string> Point { get; init; }

    /// <summary>Gets its fingerprint.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Gets its score on the selection split.</summary>
    public required ScoreSummary Selection { get; init; }

    /// <summary>Gets its score on the test split.</summary>
    public required ScoreSummary Test { get; init; }
}

/// <summary>A reference strategy on the test split.</summary>
public sealed class ReferenceScores
{
    /// <summary>Gets its name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets its fingerprint, when known.</summary>
    public string? Fingerprint { get; init; }

    /// <summary>Gets its score on test.</summary>
    public required ScoreSummary Test { get; init; }

    /// <summary>Gets chosen − it on test (paired).</summary>
    public required PairedComparison ChosenMinusReference { get; init; }
}

/// <summary>One candidate of a search, as the report lists it.</summary>
public sealed class LeaderboardEntry
{
    /// <summary>Gets the configuration's text.</summary>
    public required string Point { get; init; }

    /// <summary>Gets its fingerprint.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Gets its mean on the largest sample it was scored on.</summary>
    public double Mean { get; init; }

    /// <summary>Gets that sample's size.</summary>
    public int Items { get; init; }

    /// <summary>Gets the round after which it was dropped, or <see langword="null"/> for the choice.</summary>
    public int? EliminatedInRound { get; init; }

    /// <summary>Gets the number of other points that built the same strategy.</summary>
    public int Duplicates { get; init; }

    internal static LeaderboardEntry Of(CandidateScore c) => new() { Point = c.Point.Id, Fingerprint = c.Fingerprint, Mean = c.Mean, Items = c.Items, EliminatedInRound = c.EliminatedInRound, Duplicates = c.Duplicates.Count };
}

/// <summary>What the report is computed from (internal: both tuners fill it).</summary>
internal sealed class TuningReportInputs
{
    public required string Name { get; init; }

    public required string Kind { get; init; }

    public required string Metric { get; init; }

    public DateTimeOffset CompletedAt { get; init; }

    public required TuningReportSettings Settings { get; init; }

    public required TuningSearchSummary Search { get; init; }

    public required SplitSummary Train { get; init; }

    public required SplitSummary Selection { get; init; }

    public required SplitSummary Test { get; init; }

    public required ConfigurationOutcome Chosen { get; init; }

    public required ConfigurationOutcome Baseline { get; init; }

    public IReadOnlyList<ReferenceOutcome> References { get; init; } = [];

    public IReadOnlyList<LeaderboardEntry> Leaderboard { get; init; } = [];

    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>A configuration's per-item scores: on the selection split (a failure is 0) and on test (a failure is missing).</summary>
internal sealed record ConfigurationOutcome(string Name, IReadOnlyDictionary<string, string> Point, string Fingerprint, IReadOnlyList<double> Selection, IReadOnlyList<double?> Test);

/// <summary>A reference's per-item test scores.</summary>
internal sealed record ReferenceOutcome(string Name, string? Fingerprint, IReadOnlyList<double?> Test);
