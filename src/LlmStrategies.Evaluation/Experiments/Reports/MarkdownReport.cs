using System.Globalization;
using System.Text;
using LlmStrategies.Evaluation.Analysis;
using static LlmStrategies.Experiments.ReportFormatting;

namespace LlmStrategies.Experiments;

/// <summary>
/// Renders a report as Markdown (a pull-request comment, a CI job summary): the recommendation and any decision first,
/// each with its reason in one sentence; then the scope and statistical method, the table, the comparisons, errors and notes.
/// </summary>
internal static class MarkdownReport
{
    public static string Render(ExperimentReport report)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"## Experiment: {Escape(report.Name)}\n\n");
        Verdicts(md, report);
        Scope(md, report);
        Table(md, report);
        Comparisons(md, report);
        if (report.Recommendation is { } recommendation)
        {
            md.Append("\n### Why this recommendation\n\n");
            foreach (var line in recommendation.Reasoning)
            {
                md.Append("- ").Append(Escape(line)).Append('\n');
            }
        }

        foreach (var decision in report.Decisions.Where(d => d.Details.Count > 0))
        {
            md.Append(CultureInfo.InvariantCulture, $"\n### {Escape(decision.Title)}: {Escape(decision.Verdict)}\n\n");
            foreach (var line in decision.Details)
            {
                md.Append("- ").Append(Escape(line)).Append('\n');
            }
        }

        if (report.WhereItFails is { } whereItFails)
        {
            DataWorkMarkdown.RenderSection(md, whereItFails);
        }

        Errors(md, report);
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

    /// <summary>The recommendation (or why there is none) and every decision, each with its reason in one sentence.</summary>
    private static void Verdicts(StringBuilder md, ExperimentReport report)
    {
        var (headline, reason) = Verdict(report);
        md.Append(CultureInfo.InvariantCulture, $"**{Escape(headline)}** — {Escape(reason)}\n\n");

        foreach (var d in report.Decisions)
        {
            md.Append(CultureInfo.InvariantCulture, $"**{Escape(d.Title)}: {Escape(d.Verdict)}** — {Escape(d.Reason)}\n\n");
        }
    }

    private static void Scope(StringBuilder md, ExperimentReport report)
    {
        var level = report.Settings.ConfidenceLevel.ToString("P0", CultureInfo.InvariantCulture).Replace(" ", string.Empty, StringComparison.Ordinal);
        md.Append(CultureInfo.InvariantCulture, $"Test set **{Escape(report.Dataset.Name)}**: {Escape(report.Dataset.Scope ?? $"{report.Dataset.Items} items")} (fingerprint `{report.Dataset.Fingerprint}`), {report.Repeats} run(s) per item. ");
        md.Append(CultureInfo.InvariantCulture, $"Primary metric: **{Escape(report.Settings.PrimaryMetric)}** — {Escape(report.Settings.PrimaryMetricReason ?? "no reason recorded")}. ");
        md.Append(CultureInfo.InvariantCulture, $"Means with {level} bootstrap intervals ({report.Settings.Resamples:N0} resamples, seed {report.Settings.Seed}); {Escape(report.Settings.Resampling ?? "independent items")}; comparisons with the best corrected by {Escape(report.Settings.MultipleComparisons ?? "none")}.\n\n");
    }

    /// <summary>One row per strategy; well-formed even when no strategy has a metric (every run failed).</summary>
    private static void Table(StringBuilder md, ExperimentReport report)
    {
        var metrics = MetricNames(report).Where(m => !report.IsLowerBetter(m)).ToArray();
        string[] columns = ["strategy", .. metrics.Select(Escape), "cost / run", "tokens / run", "p50 ms", "p95 ms", "failed runs"];
        md.Append("| ").AppendJoin(" | ", columns).Append(" |\n|").AppendJoin(string.Empty, columns.Select(_ => "---|")).Append('\n');
        foreach (var s in report.Strategies)
        {
            var name = Escape(s.Strategy.Name) + (report.Recommendation?.Strategy == s.Strategy.Name ? " ✅" : string.Empty) + (s.Incomplete is null ? string.Empty : " (incomplete)");
            var cells = new List<string> { name };
            cells.AddRange(metrics.Select(m => s.Metrics.FirstOrDefault(x => x.Name == m) is { } summary ? Interval(summary) : "n/a"));
            cells.Add(Cost(s.Cost.PerRun, report.Currency));
            cells.Add(Number(Recommender.TokensPerRun(s), "F0"));
            cells.Add(Number(s.Latency.P50, "F2"));
            cells.Add(Number(s.Latency.P95, "F2"));
            cells.Add(string.Create(CultureInfo.InvariantCulture, $"{s.StrategyErrors} of {s.Runs}"));
            md.Append("| ").AppendJoin(" | ", cells).Append(" |\n");
        }
    }

    private static void Comparisons(StringBuilder md, ExperimentReport report)
    {
        var primary = report.Settings.PrimaryMetric;
        var comparisons = report.Comparisons.Where(c => c.Metric == primary).ToArray();
        if (comparisons.Length == 0)
        {
            return;
        }

        md.Append(CultureInfo.InvariantCulture, $"\n### {Escape(primary)}: every strategy against the best ({Escape(comparisons[0].Best)})\n\n");
        md.Append("| strategy | difference (best − it) | interval | test | p | Holm-adjusted p | effect size d_z | significant |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var c in comparisons)
        {
            var effect = c.EffectSize is null ? $"undefined ({Escape(c.EffectSizeNote ?? string.Empty)})" : EffectSize(c.EffectSize);
            md.Append(CultureInfo.InvariantCulture, $"| {Escape(c.Other)} | {Number(c.Difference)} | [{Number(c.Lower)}, {Number(c.Upper)}] | {Escape(c.Test)} | {PValue(c.PValue)} | {PValue(c.AdjustedPValue)} | {effect} | {(c.Significant ? "yes" : "no")} |\n");
        }
    }

    private static void Errors(StringBuilder md, ExperimentReport report)
    {
        if (report.Errors.Count == 0)
        {
            return;
        }

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

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
