using LlmStrategies.Experiments;

namespace LlmStrategies.Cli.Output;

/// <summary>An item × rung that failed: it errored, or its primary-metric score is missing or below the pass score.</summary>
internal sealed record FailingItem(string Strategy, string Item, string Reason);

internal static class FailingItems
{
    public static IReadOnlyList<FailingItem> Find(ExperimentReport report, double passScore)
    {
        var metric = report.Settings.PrimaryMetric;
        var lowerIsBetter = report.Settings.LowerIsBetter.Contains(metric);
        var failing = new List<FailingItem>();
        var errored = new HashSet<(string, string)>();
        foreach (var error in report.Errors)
        {
            if (errored.Add((error.Strategy, error.Item)))
            {
                failing.Add(new FailingItem(error.Strategy, error.Item, error.Metric is null ? $"the run failed: {error.Message}" : $"evaluating {error.Metric} failed: {error.Message}"));
            }
        }

        foreach (var item in report.Items)
        {
            if (errored.Contains((item.Strategy, item.Item)))
            {
                continue;
            }

            item.Scores.TryGetValue(metric, out var score);
            if (score is null)
            {
                failing.Add(new FailingItem(item.Strategy, item.Item, $"no {metric} score."));
            }
            else if (lowerIsBetter ? score > passScore : score < passScore)
            {
                failing.Add(new FailingItem(item.Strategy, item.Item, FormattableString.Invariant($"{metric} = {score:0.###}, {(lowerIsBetter ? "above" : "below")} the pass score {passScore:0.###}.")));
            }
        }

        return failing;
    }
}
