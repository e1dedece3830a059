using System.Globalization;
using System.Text;
using static LlmStrategies.Experiments.ReportFormatting;

namespace LlmStrategies.Experiments;

/// <summary>Renders a report as Markdown for a pull-request comment.</summary>
internal static class MarkdownReport
{
    public static string Render(ExperimentReport report)
    {
        var md = new StringBuilder();
        var level = report.Settings.ConfidenceLevel.ToString("P0", CultureInfo.InvariantCulture).Replace(" ", string.Empty, StringComparison.Ordinal);
        md.Append(CultureInfo.InvariantCulture, $"## Experiment: {Escape(report.Name)}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Test set **{Escape(report.Dataset.Name)}**: {report.Dataset.Items} items (fingerprint `{report.Dataset.Fingerprint}`), {report.Repeats} run(s) per item. ");
        md.Append(CultureInfo.InvariantCulture, $"Means with {level} bootstrap intervals ({report.Settings.Resamples:N0} resamples, seed {report.Settings.Seed}).\n\n");

        var metrics = (report.Strategies.Count > 0 ? report.Strategies[0] : null)?.Metrics.Select(m => m.Name).Where(m => !report.IsLowerBetter(m)).ToArray() ?? [];
        md.Append("| strategy | ").AppendJoin(" | ", metrics.Select(Escape)).Append(" | cost / run | p50 ms | p95 ms | p99 ms | errors |\n");
        md.Append("|---|").AppendJoin(string.Empty, metrics.Select(_ => "---|")).Append("---|---|---|---|---|\n");
        foreach (var s in report.Strategies)
        {
            var name = Escape(s.Strategy.Name) + (report.Recommendation?.Strategy == s.Strategy.Name ? " ✅" : string.Empty);
            md.Append("| ").Append(name).Append(" | ");
            md.AppendJoin(" | ", metrics.Select(m => Interval(s.Metrics.First(x => x.Name == m))));
            md.Append(CultureInfo.InvariantCulture, $" | {Cost(s.Cost.PerRun, report.Currency)} | {Number(s.Latency.P50, "F2")} | {Number(s.Latency.P95, "F2")} | {Number(s.Latency.P99, "F2")} | {s.StrategyErrors + s.EvaluationErrors} |\n");
        }

        var primary = report.Settings.PrimaryMetric;
        var comparisons = report.Comparisons.Where(c => c.Metric == primary).ToArray();
        if (comparisons.Length > 0)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n### {Escape(primary)}: every strategy against the best ({Escape(comparisons[0].Best)})\n\n");
            md.Append("| strategy | difference (best − it) | interval | test | p | effect size d_z | significant |\n|---|---|---|---|---|---|---|\n");
            foreach (var c in comparisons)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {Escape(c.Other)} | {Number(c.Difference)} | [{Number(c.Lower)}, {Number(c.Upper)}] | {c.Test} | {PValue(c.PValue)} | {Number(c.EffectSize, "F2")} | {(c.Significant ? "yes" : "no")} |\n");
            }
        }

        if (report.Recommendation is { } recommendation)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n### Recommendation: **{Escape(recommendation.Strategy)}**\n\n");
            foreach (var line in recommendation.Reasoning)
            {
                md.Append("- ").Append(Escape(line)).Append('\n');
            }
        }

        if (report.Errors.Count > 0)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n### Errors ({report.Errors.Count})\n\n");
            foreach (var e in report.Errors.Take(20))
            {
                md.Append(CultureInfo.InvariantCulture, $"- {Escape(e.Strategy)} / {Escape(e.Item)}{(e.Metric is null ? string.Empty : $" / {Escape(e.Metric)}")}: {Escape(e.Message)}\n");
            }

            if (report.Errors.Count > 20)
            {
                md.Append(CultureInfo.InvariantCulture, $"- ... and {report.Errors.Count - 20} more (see report.json)\n");
            }
        }

        if (report.Notes.Count > 0)
        {
            md.Append("\n### Notes\n\n");
            foreach (var note in report.Notes)
            {
                md.Append("- ").Append(Escape(note)).Append('\n');
            }
        }

        md.Append("\n<details><summary>Strategy configurations</summary>\n\n");
        foreach (var s in report.Strategies)
        {
            md.Append(CultureInfo.InvariantCulture, $"- **{Escape(s.Strategy.Name)}** fingerprint `{s.Strategy.Fingerprint}`{(s.Strategy.Model is null ? string.Empty : $", model `{s.Strategy.Model}`")}\n");
        }

        md.Append("\n</details>\n");
        return md.ToString();
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
