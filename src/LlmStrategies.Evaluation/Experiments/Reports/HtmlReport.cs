using System.Globalization;
using System.Net;
using System.Text;
using LlmStrategies.Evaluation.Analysis;
using static LlmStrategies.Experiments.ReportFormatting;

namespace LlmStrategies.Experiments;

/// <summary>
/// Renders a report as one self-contained HTML page: inline CSS and inline SVG charts (quality with confidence
/// intervals per strategy; quality against cost and against latency). No scripts, fonts or other external resources.
/// </summary>
internal static class HtmlReport
{
    private const int Width = 760;
    private static readonly string[] Palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

    public static string Render(ExperimentReport report)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(report.Name)).Append("</title>\n<style>");
        html.Append("body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}");
        html.Append("table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}");
        html.Append("th{background:#f4f4f4}.rec{background:#e8f5e9}svg{display:block;margin:1em 0}code{font-size:12px}");
        html.Append(".verdict{border-left:6px solid #2e7d32;background:#f1f8e9;padding:.6em 1em;margin:1em 0;font-size:16px}.verdict.none{border-color:#c62828;background:#fdecea}");
        html.Append("</style></head><body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>{E(report.Name)}</h1>\n");
        Verdicts(html, report);
        html.Append(CultureInfo.InvariantCulture, $"<p>Test set <b>{E(report.Dataset.Name)}</b>: {E(report.Dataset.Scope ?? $"{report.Dataset.Items} items")}, fingerprint <code>{E(report.Dataset.Fingerprint)}</code>; {report.Repeats} run(s) per item; completed {report.CompletedAt.ToString("u", CultureInfo.InvariantCulture)}.</p>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p>Primary metric: <b>{E(report.Settings.PrimaryMetric)}</b> — {E(report.Settings.PrimaryMetricReason ?? "no reason recorded")}. Intervals: {report.Settings.ConfidenceLevel:P0} bootstrap, {report.Settings.Resamples:N0} resamples, seed {report.Settings.Seed}; {E(report.Settings.Resampling ?? "independent items")}.</p>\n");
        var metrics = MetricNames(report);
        ResultsTable(html, report, metrics);
        html.Append("<h2>Quality with confidence intervals</h2>\n");
        foreach (var metric in metrics.Where(m => !report.IsLowerBetter(m)))
        {
            html.Append(IntervalChart(report, metric));
        }

        var primary = report.Settings.PrimaryMetric;
        html.Append("<h2>Quality against cost and latency</h2>\n");
        if (report.Strategies.Count > 0 && report.Strategies.All(s => s.Cost.PerRun == 0))
        {
            html.Append("<p>No cost chart: every strategy's cost per run is 0 (a free or local model, or the offline baseline), so latency is what they cost; see the latency chart.</p>\n");
        }
        else
        {
            html.Append(Scatter(report, primary, "cost per run (" + report.Currency + ")", s => s.Cost.PerRun is { } c ? (double)c : double.NaN));
        }

        html.Append(Scatter(report, primary, "median latency (ms)", s => s.Latency.P50));

        var comparisons = report.Comparisons.Where(c => !report.IsLowerBetter(c.Metric)).ToArray();
        if (comparisons.Length > 0)
        {
            html.Append("<h2>Paired comparisons with the best strategy</h2>\n<table><tr><th>metric</th><th>best</th><th>other</th><th>n</th><th>difference</th><th>interval</th><th>test</th><th>p</th><th>Holm-adjusted p</th><th>d_z</th></tr>\n");
            foreach (var c in comparisons)
            {
                var effect = c.EffectSize is null ? $"<span title=\"{E(c.EffectSizeNote ?? string.Empty)}\">undefined</span>" : E(EffectSize(c.EffectSize));
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(c.Metric)}</td><td>{E(c.Best)}</td><td>{E(c.Other)}</td><td>{c.Count}</td><td>{Number(c.Difference)}</td><td>[{Number(c.Lower)}, {Number(c.Upper)}]</td><td>{E(c.Test)}</td><td>{E(PValue(c.PValue))}</td><td>{E(PValue(c.AdjustedPValue))}{(c.Significant ? " *" : string.Empty)}</td><td>{effect}</td></tr>\n");
            }

            html.Append(CultureInfo.InvariantCulture, $"</table><p>* significant at α = {report.Settings.Alpha} after Holm's correction over the comparisons against the best on that metric.</p>\n");
        }

        if (report.WhereItFails is { } whereItFails)
        {
            html.Append(DataWorkHtml.RenderSection(whereItFails));
        }

        if (report.Errors.Count > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>Errors ({report.Errors.Count})</h2>\n<ul>");
            foreach (var e in report.Errors.Take(50))
            {
                html.Append(CultureInfo.InvariantCulture, $"<li>{E(e.Strategy)} / {E(e.Item)}{(e.Metric is null ? string.Empty : " / " + E(e.Metric))}: {E(e.Message)}</li>");
            }

            html.Append("</ul>\n");
        }

        html.Append("<h2>Strategies</h2>\n<table><tr><th>strategy</th><th>fingerprint</th><th>model</th><th>configuration</th></tr>\n");
        foreach (var s in report.Strategies)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(s.Strategy.Name)}</td><td><code>{E(s.Strategy.Fingerprint)}</code></td><td>{E(s.Strategy.Model ?? string.Empty)}</td><td style=\"text-align:left\"><details><summary>show</summary><pre>{E(s.Strategy.Configuration ?? "(not exposed by the strategy)")}</pre></details></td></tr>\n");
        }

        html.Append("</table>\n");
        if (report.Notes.Count > 0)
        {
            html.Append("<h2>Notes</h2>\n<ul>");
            foreach (var note in report.Notes)
            {
                html.Append("<li>").Append(E(note)).Append("</li>");
            }

            html.Append("</ul>\n");
        }

        html.Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>The recommendation and every decision at the top, each with its reason in one sentence.</summary>
    private static void Verdicts(StringBuilder html, ExperimentReport report)
    {
        var (headline, reason) = Verdict(report);
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"verdict{(report.Recommendation is null ? " none" : string.Empty)}\"><b>{E(headline)}</b> — {E(reason)}</div>\n");
        foreach (var d in report.Decisions)
        {
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"verdict{(d.Verdict.Contains("no", StringComparison.OrdinalIgnoreCase) ? " none" : string.Empty)}\"><b>{E(d.Title)}: {E(d.Verdict)}</b> — {E(d.Reason)}</div>\n");
        }

        if (report.Recommendation is { } rec)
        {
            html.Append("<details><summary>Why</summary><ul>");
            foreach (var line in rec.Reasoning)
            {
                html.Append("<li>").Append(E(line)).Append("</li>");
            }

            html.Append("</ul></details>\n");
        }

        foreach (var d in report.Decisions.Where(d => d.Details.Count > 0))
        {
            html.Append(CultureInfo.InvariantCulture, $"<details><summary>{E(d.Title)}: the evidence</summary><ul>");
            foreach (var line in d.Details)
            {
                html.Append("<li>").Append(E(line)).Append("</li>");
            }

            html.Append("</ul></details>\n");
        }
    }

    private static void ResultsTable(StringBuilder html, ExperimentReport report, string[] metrics)
    {
        html.Append("<h2>Results</h2>\n<table><tr><th>strategy</th>");
        foreach (var m in metrics)
        {
            html.Append("<th>").Append(E(m)).Append("</th>");
        }

        html.Append("<th>cost / run</th><th>tokens / run</th><th>p50 ms</th><th>p95 ms</th><th>failed runs</th></tr>\n");
        foreach (var s in report.Strategies)
        {
            var label = E(s.Strategy.Name) + (s.Incomplete is null ? string.Empty : $" <span title=\"{E(s.Incomplete)}\">(incomplete)</span>");
            html.Append(report.Recommendation?.Strategy == s.Strategy.Name ? "<tr class=\"rec\">" : "<tr>").Append("<td>").Append(label).Append("</td>");
            foreach (var m in metrics)
            {
                html.Append("<td>").Append(s.Metrics.FirstOrDefault(x => x.Name == m) is { } summary ? E(Interval(summary)) : "n/a").Append("</td>");
            }

            html.Append(CultureInfo.InvariantCulture, $"<td>{E(Cost(s.Cost.PerRun, report.Currency))}</td><td>{Number(Recommender.TokensPerRun(s), "F0")}</td><td>{Number(s.Latency.P50, "F2")}</td><td>{Number(s.Latency.P95, "F2")}</td><td>{s.StrategyErrors} of {s.Runs}</td></tr>\n");
        }

        html.Append("</table>\n");
    }

    /// <summary>Horizontal bars (the mean) with whiskers (the interval), one row per strategy, on a shared axis.</summary>
    private static string IntervalChart(ExperimentReport report, string metric)
    {
        const int Left = 220, Right = 60, Row = 26, Top = 30;
        var rows = report.Strategies.Select((s, i) => (s, m: s.Metrics.FirstOrDefault(x => x.Name == metric) ?? new MetricSummary { Name = metric, Count = 0 }, i)).ToArray();
        // A score bounded in [0, 1] (accuracy, F1, recall...) is drawn on the whole 0–1 axis, so 0.4 never looks like a full bar.
        var scored = rows.Where(r => r.m.Count > 0).ToArray();
        var bounded = scored.All(r => OnUnitAxis(r.m));
        var max = bounded ? 1 : scored.Select(r => r.m.Upper).DefaultIfEmpty(1).Max();
        var min = bounded ? 0 : Math.Min(0, scored.Select(r => r.m.Lower).DefaultIfEmpty(0).Min());
        if (max <= min)
        {
            max = min + 1;
        }

        var height = Top + (rows.Length * Row) + 30;
        double X(double v) => Left + ((v - min) / (max - min) * (Width - Left - Right));
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" role=\"img\" aria-label=\"{E(metric)} per strategy\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{E(metric)} (mean, {report.Settings.ConfidenceLevel:P0} interval)</text>");
        foreach (var (s, m, i) in rows)
        {
            var y = Top + (i * Row);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 8}\" y=\"{y + 16}\" font-size=\"12\" text-anchor=\"end\">{E(s.Strategy.Name)}</text>");
            if (m.Count == 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + 4}\" y=\"{y + 16}\" font-size=\"12\" fill=\"#a00\">no values</text>");
                continue;
            }

            var color = Palette[i % Palette.Length];
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{X(min):F1}\" y=\"{y + 4}\" width=\"{Math.Max(0, X(m.Mean) - X(min)):F1}\" height=\"16\" fill=\"{color}\" opacity=\"0.8\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(m.Lower):F1}\" x2=\"{X(m.Upper):F1}\" y1=\"{y + 12}\" y2=\"{y + 12}\" stroke=\"#222\" stroke-width=\"1.5\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(m.Lower):F1}\" x2=\"{X(m.Lower):F1}\" y1=\"{y + 6}\" y2=\"{y + 18}\" stroke=\"#222\"/><line x1=\"{X(m.Upper):F1}\" x2=\"{X(m.Upper):F1}\" y1=\"{y + 6}\" y2=\"{y + 18}\" stroke=\"#222\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(m.Upper) + 6:F1}\" y=\"{y + 16}\" font-size=\"11\">{Number(m.Mean)}</text>");
        }

        var axisY = Top + (rows.Length * Row) + 4;
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{axisY}\" y2=\"{axisY}\" stroke=\"#888\"/>");
        for (var t = 0; t <= 4; t++)
        {
            var v = min + ((max - min) * t / 4);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(v):F1}\" y=\"{axisY + 16}\" font-size=\"11\" text-anchor=\"middle\">{Number(v, "G3")}</text>");
        }

        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>One point per strategy: x from <paramref name="x"/>, y the primary metric's mean with its interval as a vertical whisker.</summary>
    private static string Scatter(ExperimentReport report, string metric, string xLabel, Func<StrategyReport, double> x)
    {
        const int Height = 320, Left = 60, Right = 180, Top = 30, Bottom = 40;
        var points = report.Strategies
            .Select((s, i) => (s, m: s.Metrics.FirstOrDefault(q => q.Name == metric), x: x(s), i))
            .Where(p => p.m is { Count: > 0 } && !double.IsNaN(p.x))
            .Select(p => (p.s, m: p.m!, p.x, p.i))
            .ToArray();
        var svg = new StringBuilder();
        // An empty chart is short, so it does not leave a screen of white space.
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{(points.Length == 0 ? 56 : Height)}\" role=\"img\" aria-label=\"{E(metric)} against {E(xLabel)}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{E(metric)} against {E(xLabel)}</text>");
        if (points.Length == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"44\" font-size=\"12\" fill=\"#a00\">no strategy has both values (unpriced models have no cost)</text>");
            return svg.Append("</svg>\n").ToString();
        }

        var (xMin, xMax) = Range(points.Select(p => p.x));
        // A score bounded in [0, 1] gets the whole 0–1 axis here too, as in the interval chart.
        var (yMin, yMax) = points.All(p => OnUnitAxis(p.m)) ? (0.0, 1.0) : Range(points.SelectMany(p => new[] { p.m.Lower, p.m.Upper }));
        double Px(double v) => Left + ((v - xMin) / (xMax - xMin) * (Width - Left - Right));
        double Py(double v) => Height - Bottom - ((v - yMin) / (yMax - yMin) * (Height - Top - Bottom));
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\" stroke=\"#888\"/><line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Height - Bottom}\" stroke=\"#888\"/>");
        for (var t = 0; t <= 4; t++)
        {
            var xv = xMin + ((xMax - xMin) * t / 4);
            var yv = yMin + ((yMax - yMin) * t / 4);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Px(xv):F1}\" y=\"{Height - Bottom + 16}\" font-size=\"11\" text-anchor=\"middle\">{Number(xv, "G3")}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Py(yv) + 4:F1}\" font-size=\"11\" text-anchor=\"end\">{Number(yv, "G3")}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 6}\" font-size=\"12\" text-anchor=\"middle\">{E(xLabel)}</text>");
        foreach (var (s, m, xv, i) in points)
        {
            var color = Palette[i % Palette.Length];
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Px(xv):F1}\" x2=\"{Px(xv):F1}\" y1=\"{Py(m.Lower):F1}\" y2=\"{Py(m.Upper):F1}\" stroke=\"{color}\" stroke-width=\"2\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{Px(xv):F1}\" cy=\"{Py(m.Mean):F1}\" r=\"5\" fill=\"{color}\"><title>{E(s.Strategy.Name)}: {Number(m.Mean)} at {Number(xv, "G4")}</title></circle>");
        }

        // A legend instead of point labels, which would overlap when strategies cost the same.
        for (var k = 0; k < points.Length; k++)
        {
            var (s, _, _, i) = points[k];
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{Width - Right + 16}\" cy=\"{Top + 10 + (k * 18)}\" r=\"5\" fill=\"{Palette[i % Palette.Length]}\"/><text x=\"{Width - Right + 26}\" y=\"{Top + 14 + (k * 18)}\" font-size=\"12\">{E(s.Strategy.Name)}</text>");
        }

        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>Whether a score and its interval lie in [0, 1] (accuracy, F1, recall...): then the charts use the whole 0–1 axis.</summary>
    private static bool OnUnitAxis(MetricSummary m) => m.Lower >= 0 && m.Upper <= 1;

    private static (double Min, double Max) Range(IEnumerable<double> values)
    {
        var list = values.Where(v => !double.IsNaN(v)).ToArray();
        var min = list.Min();
        var max = list.Max();
        if (max - min < 1e-12)
        {
            var pad = Math.Abs(min) > 0 ? Math.Abs(min) * 0.1 : 1;
            return (min >= 0 ? Math.Max(0, min - pad) : min - pad, max + pad);
        }

        // A margin so points are not drawn on the axes, but never below 0 for non-negative data (scores, costs, latencies).
        var margin = (max - min) * 0.08;
        return (min >= 0 ? Math.Max(0, min - margin) : min - margin, max + margin);
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
