using System.Globalization;
using System.Text;
using LlmStrategies.Experiments;

namespace LlmStrategies.Cli.Output;

/// <summary>
/// A short Markdown summary for a CI job page ($GITHUB_STEP_SUMMARY): the verdict, a table of rungs on the primary
/// metric, the recommendation, the gate's checks and the first failing items. The full report is report.md/.html.
/// </summary>
internal static class MarkdownSummary
{
    public const int MaxFailingItems = 20;

    public static string Render(string title, ExperimentReport report, GateResult? gate, IReadOnlyList<FailingItem> failing)
    {
        var md = new StringBuilder();
        var metric = report.Settings.PrimaryMetric;
        var verdict = gate is null ? string.Empty : gate.Passed ? " — gate PASSED" : " — gate FAILED";
        md.Append(CultureInfo.InvariantCulture, $"## llmstrategies: {Escape(title)}{verdict}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"{report.Dataset.Items} test items of '{Escape(report.Dataset.Name)}'{(report.Dataset.Scope is null ? string.Empty : $" ({Escape(report.Dataset.Scope)})")}; primary metric **{Escape(metric)}** with {report.Settings.ConfidenceLevel.ToString("P0", CultureInfo.InvariantCulture)} intervals.\n\n");
        md.Append(CultureInfo.InvariantCulture, $"| rung | model | {Escape(metric)} | interval | errors | from cache | cost ({Escape(report.Currency)}) |\n|---|---|---:|---|---:|---:|---:|\n");
        foreach (var s in report.Strategies)
        {
            var m = report.Metric(s.Strategy.Name, metric);
            var mean = m is null || m.Count == 0 ? "n/a" : m.Mean.ToString("0.000", CultureInfo.InvariantCulture);
            var interval = m is null || m.Count == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"[{m.Lower:0.000}, {m.Upper:0.000}]");
            var recommended = report.Recommendation?.Strategy == s.Strategy.Name ? " ✔" : string.Empty;
            md.Append(CultureInfo.InvariantCulture, $"| {Escape(s.Strategy.Name)}{recommended} | {Escape(s.Strategy.Model ?? "")} | {mean} | {interval} | {s.StrategyErrors + s.EvaluationErrors} | {s.FromCache} | {s.Cost.Total.ToString("0.####", CultureInfo.InvariantCulture)} |\n");
        }

        md.Append('\n');
        md.Append(report.Recommendation is { } rec
            ? $"**Recommendation:** {Escape(rec.Strategy)} — {Escape(rec.Reasoning.Count > 0 ? rec.Reasoning[0] : string.Empty)}\n\n"
            : $"**No recommendation:** {Escape(report.NoRecommendation ?? "not enough evidence")}\n\n");
        if (gate is not null)
        {
            md.Append(CultureInfo.InvariantCulture, $"### Regression gate: {(gate.Passed ? "PASSED" : "FAILED")}\n\n| | check |\n|---|---|\n");
            foreach (var f in gate.Findings)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {(f.Failed ? "❌" : "✅")} | {Escape(f.Message)} |\n");
            }

            md.Append('\n');
        }

        if (failing.Count > 0)
        {
            md.Append(CultureInfo.InvariantCulture, $"### Failing items: {failing.Count}{(failing.Count > MaxFailingItems ? $" (first {MaxFailingItems})" : string.Empty)}\n\n| rung | item | why |\n|---|---|---|\n");
            foreach (var f in failing.Take(MaxFailingItems))
            {
                md.Append(CultureInfo.InvariantCulture, $"| {Escape(f.Strategy)} | {Escape(f.Item)} | {Escape(f.Reason)} |\n");
            }

            md.Append('\n');
        }

        return md.ToString();
    }

    /// <summary>Appends (as $GITHUB_STEP_SUMMARY expects: several steps write to one file).</summary>
    public static void Append(string path, string markdown)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.AppendAllText(path, markdown);
    }

    /// <summary>Keeps a cell on one line and its pipes literal, so the table stays well-formed.</summary>
    internal static string Escape(string text) => text.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal);
}
