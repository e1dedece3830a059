using System.Globalization;
using System.Net;
using System.Text;
using static LlmStrategies.Experiments.ReportFormatting;
using static LlmStrategies.Tuning.TuningMarkdownReport;

namespace LlmStrategies.Tuning;

/// <summary>
/// Renders a <see cref="TuningReport"/> as an HTML fragment to embed in the experiment page: one <c>section</c>, inline
/// styles only (no scripts, no external resources), every text HTML-encoded, and an inline SVG of the chosen and default
/// configurations' scores on the selection split and on test, where the winner's curse shows as the gap.
/// </summary>
internal static class TuningHtmlFragment
{
    internal const string Table = "border-collapse:collapse;margin:1em 0;font-size:14px";
    internal const string Cell = "border:1px solid #ccc;padding:4px 8px;text-align:right";
    internal const string FirstCell = "border:1px solid #ccc;padding:4px 8px;text-align:left";
    internal const string Header = "border:1px solid #ccc;padding:4px 8px;background:#f4f4f4";

    public static string Render(TuningReport report)
    {
        var html = new StringBuilder();
        var level = Level(report.Settings.ConfidenceLevel);
        html.Append("<section class=\"llmstrategies-tuning\" style=\"font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#222\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<h2>Tuning: {E(report.Name)}</h2>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p>Metric <b>{E(report.Metric)}</b> (higher is better). Chosen on <b>{E(report.Selection.Name)}</b> ({report.Selection.Items} items); test <b>{E(report.Test.Name)}</b> ({report.Test.Items} items, fingerprint <code>{E(report.Test.Fingerprint)}</code>), evaluated once. {E(level)} bootstrap intervals, seed {report.Settings.Seed}.</p>\n<ul>");
        foreach (var line in report.Verdict)
        {
            html.Append("<li>").Append(E(line)).Append("</li>");
        }

        html.Append("</ul>\n");
        html.Append(CultureInfo.InvariantCulture, $"<table style=\"{Table}\"><tr><th style=\"{Header}\">configuration</th><th style=\"{Header}\">{E(report.Selection.Name)}</th><th style=\"{Header}\">test</th><th style=\"{Header}\">fingerprint</th></tr>\n");
        Row(html, "tuned: " + PointText(report.Chosen.Point), report.Chosen.Selection, report.Chosen.Test, report.Chosen.Fingerprint, "#e8f5e9");
        Row(html, "untuned default: " + PointText(report.Baseline.Point), report.Baseline.Selection, report.Baseline.Test, report.Baseline.Fingerprint, null);
        foreach (var r in report.References)
        {
            Row(html, "reference: " + r.Name, null, r.Test, r.Fingerprint ?? string.Empty, null);
        }

        html.Append("</table>\n");
        html.Append(CultureInfo.InvariantCulture, $"<table style=\"{Table}\"><tr><th style=\"{Header}\">comparison</th><th style=\"{Header}\">difference</th><th style=\"{Header}\">interval</th><th style=\"{Header}\">test</th><th style=\"{Header}\">p</th><th style=\"{Header}\">items</th><th style=\"{Header}\">significant</th></tr>\n");
        Comparison(html, $"tuned − default on {report.Selection.Name}", report.SelectionGain);
        Comparison(html, "tuned − default on test", report.TestGain);
        foreach (var r in report.References)
        {
            Comparison(html, $"tuned − {r.Name} on test", r.ChosenMinusReference);
        }

        html.Append("</table>\n");
        html.Append(Chart(report));
        var s = report.Search;
        html.Append(CultureInfo.InvariantCulture, $"<h3>Search: {E(s.Method)}, {s.Candidates} distinct candidates ({s.PointsSearched} points)</h3>\n<p>{s.UncachedRuns:N0} uncached runs, cost {E(Cost(s.Cost, s.Currency))}; pre-flight estimate: {E(s.Estimate ?? "none")}.</p>\n");
        if (s.Rounds.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<table style=\"{Table}\"><tr><th style=\"{Header}\">round</th><th style=\"{Header}\">items</th><th style=\"{Header}\">candidates</th><th style=\"{Header}\">kept</th><th style=\"{Header}\">uncached runs</th><th style=\"{Header}\">cached runs</th><th style=\"{Header}\">cost</th></tr>\n");
            foreach (var r in s.Rounds)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"{FirstCell}\">{r.Index + 1}</td><td style=\"{Cell}\">{r.Items}</td><td style=\"{Cell}\">{r.Candidates}</td><td style=\"{Cell}\">{r.Kept}</td><td style=\"{Cell}\">{r.UncachedRuns:N0}</td><td style=\"{Cell}\">{r.CachedRuns:N0}</td><td style=\"{Cell}\">{E(Cost(r.Cost, s.Currency))}</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        AppendHtmlNotes(html, report.Notes);

        return html.Append("</section>\n").ToString();
    }

    private static void Row(StringBuilder html, string name, ScoreSummary? selection, ScoreSummary test, string fingerprint, string? background) =>
        html.Append(CultureInfo.InvariantCulture, $"<tr{(background is null ? string.Empty : $" style=\"background:{background}\"")}><td style=\"{FirstCell}\">{E(name)}</td><td style=\"{Cell}\">{(selection is null ? "—" : E(Interval(selection)))}</td><td style=\"{Cell}\">{E(Interval(test))}</td><td style=\"{Cell}\"><code>{E(fingerprint)}</code></td></tr>\n");

    private static void Comparison(StringBuilder html, string name, PairedComparison c) =>
        html.Append(CultureInfo.InvariantCulture, $"<tr><td style=\"{FirstCell}\">{E(name)}</td><td style=\"{Cell}\">{E(Signed(c.Difference))}</td><td style=\"{Cell}\">[{E(Signed(c.Lower))}, {E(Signed(c.Upper))}]</td><td style=\"{Cell}\">{E(c.Test)}</td><td style=\"{Cell}\">{E(double.IsNaN(c.PValue) ? "n/a" : PValue(c.PValue))}</td><td style=\"{Cell}\">{c.Items}</td><td style=\"{Cell}\">{(c.Significant ? "yes" : "no")}</td></tr>\n");

    /// <summary>Four bars with whiskers: tuned and default, each on the selection split and on test, on one axis.</summary>
    private static string Chart(TuningReport report)
    {
        const int Width = 640, Left = 230, Right = 70, Row = 26, Top = 30;
        (string Label, ScoreSummary Score, string Color)[] rows =
        [
            ($"tuned, {report.Selection.Name}", report.Chosen.Selection, "#4e79a7"),
            ("tuned, test", report.Chosen.Test, "#4e79a7"),
            ($"default, {report.Selection.Name}", report.Baseline.Selection, "#f28e2b"),
            ("default, test", report.Baseline.Test, "#f28e2b"),
        ];
        var scored = rows.Where(r => r.Score.Items > 0).ToArray();
        var max = scored.Select(r => r.Score.Upper).DefaultIfEmpty(1).Max();
        var min = Math.Min(0, scored.Select(r => r.Score.Lower).DefaultIfEmpty(0).Min());
        if (max <= min)
        {
            max = min + 1;
        }

        double X(double v) => Left + ((v - min) / (max - min) * (Width - Left - Right));
        var height = Top + (rows.Length * Row) + 10;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" role=\"img\" aria-label=\"{E(report.Metric)}: selection split against test\" style=\"display:block;margin:1em 0\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{E(report.Metric)}: where it was chosen, and on test</text>");
        for (var i = 0; i < rows.Length; i++)
        {
            var (label, score, color) = rows[i];
            var y = Top + (i * Row);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 8}\" y=\"{y + 16}\" font-size=\"12\" text-anchor=\"end\">{E(label)}</text>");
            if (score.Items == 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + 4}\" y=\"{y + 16}\" font-size=\"12\" fill=\"#a00\">no values</text>");
                continue;
            }

            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{X(min):F1}\" y=\"{y + 4}\" width=\"{Math.Max(0, X(score.Mean) - X(min)):F1}\" height=\"16\" fill=\"{color}\" opacity=\"{(label.EndsWith("test", StringComparison.Ordinal) ? "0.9" : "0.45")}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(score.Lower):F1}\" x2=\"{X(score.Upper):F1}\" y1=\"{y + 12}\" y2=\"{y + 12}\" stroke=\"#222\" stroke-width=\"1.5\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(score.Upper) + 6:F1}\" y=\"{y + 16}\" font-size=\"11\">{Number(score.Mean)}</text>");
        }

        return svg.Append("</svg>\n").ToString();
    }

    internal static void AppendHtmlNotes(StringBuilder html, IReadOnlyList<string> notes)
    {
        if (notes.Count == 0)
        {
            return;
        }

        html.Append("<ul>");
        foreach (var note in notes)
        {
            html.Append("<li style=\"color:#555;font-size:13px\">").Append(E(note)).Append("</li>");
        }

        html.Append("</ul>\n");
    }

    internal static string E(string text) => WebUtility.HtmlEncode(text);
}
