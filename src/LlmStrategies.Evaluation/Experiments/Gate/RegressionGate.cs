using System.ComponentModel.DataAnnotations;
using System.Globalization;
using LlmStrategies.Evaluation.Statistics;

namespace LlmStrategies.Experiments;

/// <summary>Settings of <see cref="RegressionGate"/>. Validated by a source-generated validator when the gate is evaluated.</summary>
public sealed class RegressionGateOptions : IValidatableObject
{
    /// <summary>Gets the metrics to gate; empty (the default) gates the baseline's primary metric.</summary>
    public ISet<string> Metrics { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the largest drop of a metric's mean that is tolerated even when significant. Default 0.01.</summary>
    [ValueRange(0.0, double.MaxValue, ErrorMessage = "RegressionGateOptions.Tolerance must be a finite drop of zero or more, in the metric's units.")]
    public double Tolerance { get; set; } = 0.01;

    /// <summary>Gets or sets the significance level. Default 0.05.</summary>
    [ValueRange(0.0, 1.0, MinimumIsExclusive = true, MaximumIsExclusive = true, ErrorMessage = "RegressionGateOptions.Alpha must be a significance level between 0 and 1 (both exclusive), for example 0.05.")]
    public double Alpha { get; set; } = 0.05;

    /// <summary>Gets or sets the number of random permutations. Default 10,000.</summary>
    [ValueRange(1, 100_000_000, ErrorMessage = "RegressionGateOptions.Resamples must be between 1 and 100,000,000 (10,000 is usual).")]
    public int Resamples { get; set; } = 10_000;

    /// <summary>Gets or sets the seed of the permutation test. Default 7.</summary>
    public int Seed { get; set; } = 7;

    /// <summary>Gets or sets a value indicating whether strategy errors (a strategy that threw) in the candidate fail the gate. Default <see langword="true"/>.</summary>
    public bool FailOnStrategyErrors { get; set; } = true;

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (Metrics.Any(string.IsNullOrWhiteSpace))
        {
            yield return new ValidationResult("RegressionGateOptions.Metrics contains an empty metric name; list the metric names to gate (as the report names them), or none for the primary metric.", [nameof(Metrics)]);
        }
    }
}

/// <summary>One check of the gate.</summary>
/// <param name="Strategy">The strategy.</param>
/// <param name="Metric">The metric, or <see langword="null"/> for a check about errors or missing strategies.</param>
/// <param name="BaselineMean">The baseline's mean over the shared items.</param>
/// <param name="CandidateMean">The candidate's mean over the shared items.</param>
/// <param name="Items">The number of shared items compared.</param>
/// <param name="PValue">The two-sided p-value of the paired test, or <see langword="null"/>.</param>
/// <param name="Failed">Whether this check fails the gate.</param>
/// <param name="Message">What was found.</param>
public sealed record GateFinding(string Strategy, string? Metric, double BaselineMean, double CandidateMean, int Items, double? PValue, bool Failed, string Message);

/// <summary>The gate's verdict.</summary>
/// <param name="Findings">Every check, failing ones first.</param>
public sealed record GateResult(IReadOnlyList<GateFinding> Findings)
{
    /// <summary>Gets a value indicating whether no check failed.</summary>
    public bool Passed => Findings.All(f => !f.Failed);

    /// <summary>Formats the verdict and every finding, one per line.</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        (Passed ? "Regression gate: PASSED" : "Regression gate: FAILED") + Environment.NewLine + string.Join(Environment.NewLine, Findings.Select(f => (f.Failed ? "  FAIL " : "  ok   ") + f.Message));
}

/// <summary>
/// The regression gate for CI: compares a candidate run with a stored baseline report item by item and fails only on a
/// statistically significant drop larger than the tolerance (paired permutation test on the items both scored; McNemar
/// for binary metrics), on any evaluation error (for example a judge that failed) and, by default, on strategy errors.
/// A strategy of the baseline missing from the candidate fails too.
/// </summary>
public static class RegressionGate
{
    /// <summary>Compares a candidate with a baseline.</summary>
    /// <param name="baseline">The stored baseline report.</param>
    /// <param name="candidate">The candidate report.</param>
    /// <param name="options">Metrics, tolerance and significance; default <see cref="RegressionGateOptions"/>.</param>
    /// <returns>The verdict.</returns>
    /// <exception cref="ArgumentException">The baseline and the candidate are the same run (same run id).</exception>
    public static GateResult Evaluate(ExperimentReport baseline, ExperimentReport candidate, RegressionGateOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        if (ReferenceEquals(baseline, candidate) || (baseline.RunId.Length > 0 && baseline.RunId == candidate.RunId))
        {
            throw new ArgumentException(
                $"The baseline and the candidate are the same run (run id '{candidate.RunId}'), so the gate would pass whatever the run scored. Compare with a report of an earlier run: read the baseline before this run writes its report, or keep baselines in a separate file.",
                nameof(candidate));
        }

        options = ValidatedOptions.ThrowIfInvalid(new RegressionGateOptionsValidator(), options ?? new RegressionGateOptions());
        var metrics = options.Metrics.Count > 0 ? options.Metrics.ToArray() : [baseline.Settings.PrimaryMetric];
        var findings = new List<GateFinding>();
        foreach (var s in candidate.Strategies)
        {
            var name = s.Strategy.Name;
            if (s.EvaluationErrors > 0)
            {
                var first = candidate.Errors.FirstOrDefault(e => e.Strategy == name && e.Metric is not null);
                findings.Add(new GateFinding(name, first?.Metric, double.NaN, double.NaN, 0, null, true, $"{name}: {s.EvaluationErrors} evaluation error(s), e.g. {first?.Metric}: {first?.Message}"));
            }

            if (s.StrategyErrors > 0 && options.FailOnStrategyErrors)
            {
                var first = candidate.Errors.FirstOrDefault(e => e.Strategy == name && e.Metric is null);
                findings.Add(new GateFinding(name, null, double.NaN, double.NaN, 0, null, true, $"{name}: {s.StrategyErrors} run(s) failed, e.g. {first?.Message}"));
            }
        }

        foreach (var b in baseline.Strategies)
        {
            var name = b.Strategy.Name;
            if (!candidate.Strategies.Any(s => s.Strategy.Name == name))
            {
                findings.Add(new GateFinding(name, null, double.NaN, double.NaN, 0, null, true, $"{name}: in the baseline but not in the candidate run."));
                continue;
            }

            foreach (var metric in metrics)
            {
                findings.Add(Check(baseline, candidate, name, metric, options));
            }
        }

        return new GateResult(findings.OrderByDescending(f => f.Failed).ToArray());
    }

    private static GateFinding Check(ExperimentReport baseline, ExperimentReport candidate, string strategy, string metric, RegressionGateOptions options)
    {
        var before = Scores(baseline, strategy, metric);
        var after = Scores(candidate, strategy, metric);
        var shared = before.Keys.Where(after.ContainsKey).Order(StringComparer.Ordinal).ToArray();
        if (shared.Length == 0)
        {
            return new GateFinding(strategy, metric, double.NaN, double.NaN, 0, null, true, $"{strategy} / {metric}: no item was scored in both runs, so they cannot be compared; run the candidate on the baseline's test split.");
        }

        var a = shared.Select(id => before[id]).ToArray();
        var b = shared.Select(id => after[id]).ToArray();
        var lowerBetter = baseline.IsLowerBetter(metric);
        var drop = lowerBetter ? b.Average() - a.Average() : a.Average() - b.Average();
        var binary = (baseline.Metric(strategy, metric)?.IsBinary ?? false) && baseline.Repeats == 1 && candidate.Repeats == 1;
        var test = binary
            ? PairedTests.McNemar(a.Select(v => v >= 0.5).ToArray(), b.Select(v => v >= 0.5).ToArray())
            : PairedTests.Permutation(a, b, options.Seed, options.Resamples);
        var significant = test.PValue < options.Alpha;
        var failed = drop > options.Tolerance && significant;
        var message = string.Create(
            CultureInfo.InvariantCulture,
            $"{strategy} / {metric}: {a.Average():F4} → {b.Average():F4} on {shared.Length} shared items ({(drop > 0 ? "worse" : "not worse")} by {Math.Abs(drop):F4}; tolerance {options.Tolerance}; {test.Method} p = {test.PValue:G3}{(failed ? ", a significant drop beyond the tolerance" : significant ? string.Empty : ", not significant")}).");
        return new GateFinding(strategy, metric, a.Average(), b.Average(), shared.Length, test.PValue, failed, message);
    }

    private static Dictionary<string, double> Scores(ExperimentReport report, string strategy, string metric) =>
        report.Items
            .Where(i => i.Strategy == strategy && i.Scores.TryGetValue(metric, out var v) && v is not null)
            .ToDictionary(i => i.Item, i => i.Scores[metric]!.Value, StringComparer.Ordinal);
}
