using System.Globalization;
using LlmStrategies.Cli.Output;
using LlmStrategies.Experiments;

namespace LlmStrategies.Cli.Commands;

/// <summary>The CI outputs <c>eval</c> and <c>gate</c> share: JUnit XML, the Markdown summary, and the human-readable table.</summary>
internal static class ReportOutputs
{
    public static void WriteCiFiles(string? junit, string? summary, string title, ExperimentReport report, GateResult? gate, IReadOnlyList<FailingItem> failing)
    {
        if (junit is not null)
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(junit));
            if (directory is not null)
            {
                Directory.CreateDirectory(directory);
            }

            JUnitReport.Write(junit, "llmstrategies " + title, report, gate, failing);
        }

        if (summary is not null)
        {
            MarkdownSummary.Append(summary, MarkdownSummary.Render(title, report, gate, failing));
        }
    }

    public static void PrintTable(TextWriter output, ExperimentReport report)
    {
        var metric = report.Settings.PrimaryMetric;
        var rows = report.Strategies.Select(s =>
        {
            var m = report.Metric(s.Strategy.Name, metric);
            return new[]
            {
                s.Strategy.Name + (report.Recommendation?.Strategy == s.Strategy.Name ? " *" : string.Empty),
                s.Strategy.Model ?? string.Empty,
                m is null || m.Count == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{m.Mean:0.000} [{m.Lower:0.000}, {m.Upper:0.000}]"),
                (s.StrategyErrors + s.EvaluationErrors).ToString(CultureInfo.InvariantCulture),
                s.FromCache.ToString(CultureInfo.InvariantCulture),
                s.Cost.Total.ToString("0.####", CultureInfo.InvariantCulture),
            };
        }).ToList();
        string[] header = ["rung", "model", metric, "errors", "from cache", $"cost ({report.Currency})"];
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var row in rows)
        {
            output.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }

        output.WriteLine(report.Recommendation is { } rec
            ? $"Recommendation (*): {rec.Strategy}. {(rec.Reasoning.Count > 0 ? rec.Reasoning[0] : string.Empty)}"
            : $"No recommendation: {report.NoRecommendation}");
    }

    public static void PrintGate(TextWriter output, GateResult gate) => output.WriteLine(gate.ToString());
}
