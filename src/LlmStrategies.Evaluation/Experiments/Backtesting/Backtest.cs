using LlmStrategies.Evaluation;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Experiments;

/// <summary>
/// Backtesting (shadow evaluation): replays logged production inputs through a candidate strategy and compares its
/// outputs and metrics with the logged ones. The log becomes a <see cref="LoggedOutputStrategy"/>, both run through
/// the <see cref="ExperimentRunner"/> on the same items, so every metric gets the same paired statistics as any
/// experiment; on top, the outputs themselves are compared (exact agreement and SQuAD token F1 between them).
/// </summary>
public static class Backtest
{
    /// <summary>Replays a log through a candidate.</summary>
    /// <param name="log">The production log (see <see cref="ProductionLog.Load"/>).</param>
    /// <param name="candidate">The candidate strategy.</param>
    /// <param name="evaluators">The evaluators run on both the logged and the candidate outputs.</param>
    /// <param name="runner">The runner (its options, prices and cache apply).</param>
    /// <param name="reportOptions">Statistical settings for the report; default <see cref="ReportOptions"/>.</param>
    /// <param name="progress">Progress, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the replay.</param>
    /// <returns>The comparison.</returns>
    public static async Task<BacktestResult> RunAsync(
        IReadOnlyList<ProductionLogEntry> log,
        ExperimentStrategy candidate,
        IEnumerable<IEvaluator> evaluators,
        ExperimentRunner runner,
        ReportOptions? reportOptions = null,
        IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(runner);
        if (log.Count == 0)
        {
            throw new ArgumentException("The production log is empty; there is nothing to replay.", nameof(log));
        }

        var logged = new LoggedOutputStrategy(log);
        if (logged.Name == candidate.Strategy.Name)
        {
            throw new ArgumentException($"The candidate is named '{logged.Name}' like the logged strategy; rename it.", nameof(candidate));
        }

        var dataset = ProductionLog.ToDataset("production log", log);
        var run = await runner.RunAsync([new ExperimentStrategy(logged, log.Select(e => e.Model).FirstOrDefault(m => m is not null)), candidate], dataset, evaluators, progress, cancellationToken).ConfigureAwait(false);
        var answers = run.Records
            .Where(r => r.StrategyName == candidate.Strategy.Name && r.Repeat == 0)
            .ToDictionary(r => r.ItemId, r => r.Response?.Answer ?? string.Empty, StringComparer.Ordinal);
        var agreements = 0;
        var f1 = 0.0;
        var changed = new List<string>();
        foreach (var entry in log)
        {
            var answer = answers.GetValueOrDefault(entry.Id, string.Empty);
            if (string.Equals(SquadText.Normalize(answer), SquadText.Normalize(entry.Output), StringComparison.Ordinal))
            {
                agreements++;
            }
            else
            {
                changed.Add(entry.Id);
            }

            f1 += SquadEvaluator.F1(answer, [entry.Output]);
        }

        var loggedMetrics = log.SelectMany(e => e.Metrics)
            .GroupBy(m => m.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Average(m => m.Value), StringComparer.Ordinal);
        return new BacktestResult(run, ExperimentReport.Create(run, reportOptions), (double)agreements / log.Count, f1 / log.Count, changed, loggedMetrics);
    }
}

/// <summary>The outcome of a backtest.</summary>
/// <param name="Run">The experiment run of the logged strategy and the candidate.</param>
/// <param name="Report">Its report: every metric of both, with paired tests between them.</param>
/// <param name="OutputAgreement">The share of items where the candidate's output equals the logged one (after SQuAD normalisation).</param>
/// <param name="MeanOutputF1">The mean SQuAD token F1 between the candidate's and the logged outputs.</param>
/// <param name="ChangedItems">The ids whose output changed.</param>
/// <param name="LoggedMetricMeans">The means of the metrics logged in production, by name.</param>
public sealed record BacktestResult(ExperimentRun Run, ExperimentReport Report, double OutputAgreement, double MeanOutputF1, IReadOnlyList<string> ChangedItems, IReadOnlyDictionary<string, double> LoggedMetricMeans);
