using System.Globalization;
using System.Text;
using static LlmStrategies.Experiments.ReportFormatting;
using static LlmStrategies.Tuning.TuningMarkdownReport;

namespace LlmStrategies.Tuning;

/// <summary>Renders a <see cref="ModelStrategyGridReport"/> as Markdown: the pivot (rows strategies, columns models), the best strategy per model and the model-switch answers.</summary>
internal static class GridMarkdownReport
{
    public static string Render(ModelStrategyGridReport report)
    {
        var md = new StringBuilder();
        var level = Level(report.Settings.ConfidenceLevel);
        md.Append(CultureInfo.InvariantCulture, $"## {Escape(report.Name)}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Items **{Escape(report.Dataset.Name)}**: {report.Dataset.Items} (fingerprint `{report.Dataset.Fingerprint}`). Each cell: {Escape(report.Metric)} mean [{level} bootstrap interval] · cost per call ({Escape(report.Currency)}).\n\n");
        md.Append("| strategy \\ model | ").AppendJoin(" | ", report.Models.Select(ModelHeader)).Append(" |\n|---|").AppendJoin(string.Empty, report.Models.Select(_ => "---|")).Append('\n');
        foreach (var strategy in report.Strategies)
        {
            md.Append("| ").Append(Escape(strategy)).Append(" | ");
            md.AppendJoin(" | ", report.Models.Select(m => report.Cell(strategy, m.Name) is { } c ? CellText(c, report.Currency) : "—"));
            md.Append(" |\n");
        }

        md.Append("\n### Best strategy per model\n\n| model | strategy | mean | cost per call | tokens in/out per call |\n|---|---|---|---|---|\n");
        foreach (var c in report.BestStrategyPerModel())
        {
            md.Append(CultureInfo.InvariantCulture, $"| {Escape(c.Model)} | {Escape(c.Strategy)} | {Interval(c.Score)} | {Cost(c.CostPerCall, report.Currency)} | {c.InputTokensPerCall:F0} / {c.OutputTokensPerCall:F0} |\n");
        }

        foreach (var answer in report.Answers)
        {
            var q = answer.Question;
            md.Append(CultureInfo.InvariantCulture, $"\n### Switch to {Escape(q.ChallengerModel)}? Incumbent: {Escape(q.IncumbentStrategy)} on {Escape(q.IncumbentModel)} ({Number(answer.IncumbentMean, "F4")}, {Cost(answer.IncumbentCostPerCall, report.Currency)} per call)\n\n");
            md.Append("**").Append(Escape(answer.Answer)).Append("**\n\n| strategy on challenger | mean | challenger − incumbent | interval | p | verdict | cost per call | cost ratio |\n|---|---|---|---|---|---|---|---|\n");
            foreach (var c in answer.Comparisons)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {Escape(c.Strategy)} | {Number(c.Mean, "F4")} | {Signed(c.Difference.Difference)} | [{Signed(c.Difference.Lower)}, {Signed(c.Difference.Upper)}] | {(double.IsNaN(c.Difference.PValue) ? "n/a" : PValue(c.Difference.PValue))} | {c.Verdict} | {Cost(c.CostPerCall, report.Currency)} | {(c.CostRatio is { } r ? r.ToString("0.##", CultureInfo.InvariantCulture) + "×" : "n/a")} |\n");
            }
        }

        AppendMarkdownNotes(md, report.Notes);

        return md.ToString();
    }

    internal static string ModelHeader(GridModelSummary m) => Escape(m.Name) + (m.IsFineTuned ? " (fine-tuned)" : string.Empty);

    internal static string CellText(GridCellReport c, string currency) =>
        $"{Interval(c.Score)} · {Cost(c.CostPerCall, currency)}{(c.Errors > 0 ? string.Create(CultureInfo.InvariantCulture, $" · {c.Errors} errors") : string.Empty)}";
}
