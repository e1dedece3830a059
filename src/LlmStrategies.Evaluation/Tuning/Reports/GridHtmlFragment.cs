using System.Globalization;
using System.Text;
using static LlmStrategies.Experiments.ReportFormatting;
using static LlmStrategies.Tuning.GridMarkdownReport;
using static LlmStrategies.Tuning.TuningHtmlFragment;
using static LlmStrategies.Tuning.TuningMarkdownReport;

namespace LlmStrategies.Tuning;

/// <summary>Renders a <see cref="ModelStrategyGridReport"/> as an HTML fragment: one <c>section</c>, inline styles, every text HTML-encoded; the best cell of each model column is shaded.</summary>
internal static class GridHtmlFragment
{
    public static string Render(ModelStrategyGridReport report)
    {
        var html = new StringBuilder();
        var best = report.BestStrategyPerModel().Select(c => (c.Strategy, c.Model)).ToHashSet();
        html.Append("<section class=\"llmstrategies-grid\" style=\"font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#222\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<h2>{E(report.Name)}</h2>\n<p>Items <b>{E(report.Dataset.Name)}</b>: {report.Dataset.Items} (fingerprint <code>{E(report.Dataset.Fingerprint)}</code>). Each cell: {E(report.Metric)} mean [{E(Level(report.Settings.ConfidenceLevel))} interval] · cost per call ({E(report.Currency)}); the best strategy of each model is shaded.</p>\n");
        html.Append(CultureInfo.InvariantCulture, $"<table style=\"{Table}\"><tr><th style=\"{Header}\">strategy \\ model</th>");
        foreach (var m in report.Models)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th style=\"{Header}\">{E(m.Name + (m.IsFineTuned ? " (fine-tuned)" : string.Empty))}</th>");
        }

        html.Append("</tr>\n");
        foreach (var strategy in report.Strategies)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"{FirstCell}\">{E(strategy)}</td>");
            foreach (var m in report.Models)
            {
                var cell = report.Cell(strategy, m.Name);
                var shade = best.Contains((strategy, m.Name)) ? ";background:#e8f5e9" : string.Empty;
                html.Append(CultureInfo.InvariantCulture, $"<td style=\"{Cell}{shade}\">{(cell is null ? "—" : E(CellText(cell, report.Currency)))}</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</table>\n");
        foreach (var answer in report.Answers)
        {
            var q = answer.Question;
            html.Append(CultureInfo.InvariantCulture, $"<h3>Switch to {E(q.ChallengerModel)}? Incumbent: {E(q.IncumbentStrategy)} on {E(q.IncumbentModel)}</h3>\n<p><b>{E(answer.Answer)}</b></p>\n");
            html.Append(CultureInfo.InvariantCulture, $"<table style=\"{Table}\"><tr><th style=\"{Header}\">strategy on challenger</th><th style=\"{Header}\">mean</th><th style=\"{Header}\">challenger − incumbent</th><th style=\"{Header}\">interval</th><th style=\"{Header}\">p</th><th style=\"{Header}\">verdict</th><th style=\"{Header}\">cost per call</th><th style=\"{Header}\">cost ratio</th></tr>\n");
            foreach (var c in answer.Comparisons)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"{FirstCell}\">{E(c.Strategy)}</td><td style=\"{Cell}\">{Number(c.Mean, "F4")}</td><td style=\"{Cell}\">{E(Signed(c.Difference.Difference))}</td><td style=\"{Cell}\">[{E(Signed(c.Difference.Lower))}, {E(Signed(c.Difference.Upper))}]</td><td style=\"{Cell}\">{E(double.IsNaN(c.Difference.PValue) ? "n/a" : PValue(c.Difference.PValue))}</td><td style=\"{Cell}\">{E(c.Verdict)}</td><td style=\"{Cell}\">{E(Cost(c.CostPerCall, report.Currency))}</td><td style=\"{Cell}\">{E(c.CostRatio is { } r ? r.ToString("0.##", CultureInfo.InvariantCulture) + "×" : "n/a")}</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        AppendHtmlNotes(html, report.Notes);

        return html.Append("</section>\n").ToString();
    }
}
