using System.Globalization;
using System.Net;
using System.Text;
using LlmStrategies.Experiments;
using static LlmStrategies.Evaluation.Analysis.AnalysisFormatting;
using static LlmStrategies.Experiments.ReportFormatting;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// Renders data-work results as HTML: a self-contained <c>&lt;section&gt;</c> (scoped inline CSS, inline SVG, no scripts
/// or external resources) to insert into an experiment's HTML report, or a whole page. Every text is HTML-encoded; item
/// ids link to an items table at the end of the section.
/// </summary>
public static class DataWorkHtml
{
    private const int Width = 760;
    private const int WorstSlices = 10;

    private const string Style =
        ".dw table{border-collapse:collapse;margin:1em 0;font-size:14px}.dw th,.dw td{border:1px solid #ccc;padding:4px 8px;text-align:right;vertical-align:top}" +
        ".dw th:first-child,.dw td:first-child,.dw td.t{text-align:left}.dw th{background:#f4f4f4}.dw .blocker{background:#fdecea}.dw .flag{background:#fff4e5}" +
        ".dw svg{display:block;margin:1em 0}.dw .note{color:#555;font-size:13px}.dw code{font-size:12px}.dw ol li{margin:.4em 0}";

    private static readonly (string Cause, string Label, string Color)[] Causes =
    [
        (FailureAttribution.CorrectWithGold, "correct, gold in context", "#59a14f"),
        (FailureAttribution.CorrectWithoutGold, "correct without it", "#a0cbe8"),
        (FailureAttribution.ReadingMiss, "reading miss", "#f28e2b"),
        (FailureAttribution.RetrievalMiss, "retrieval miss", "#e15759"),
        (FailureAttribution.NoGoldPassage, "no gold passage", "#bab0ac"),
        (FailureAttribution.Unscored, "unscored", "#79706e"),
    ];

    /// <summary>Renders the report as one HTML page.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The HTML text.</returns>
    public static string RenderPage(DataWorkReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var title = E($"Data work: {report.Profile.Dataset.Name}");
        return $"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title><style>body{{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}}</style></head><body>\n{RenderSection(report)}</body></html>\n";
    }

    /// <summary>Renders the report as a <c>&lt;section&gt;</c> ("Where it fails", "What to fix first", the profile and the items).</summary>
    /// <param name="report">The report.</param>
    /// <returns>The HTML fragment.</returns>
    public static string RenderSection(DataWorkReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return Section(report.Failures, report.Findings, report.Findings.Count, report.ItemDetails, report.Profile);
    }

    /// <summary>The "Where it fails" section of an experiment report: the same section without the dataset profile.</summary>
    internal static string RenderSection(WhereItFails section) =>
        Section(section.Failures, section.Findings, section.TotalFindings, section.Items, profile: null);

    private static string Section(FailureAnalysis f, IReadOnlyList<DataWorkFinding> findings, int totalFindings, IReadOnlyList<ItemDetail> items, DatasetProfile? profile)
    {
        var anchors = items.Select((d, i) => (d.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        var html = new StringBuilder();
        html.Append("<section class=\"dw\" id=\"where-it-fails\"><style>").Append(Style).Append("</style>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h2>Where it fails: {E(f.Strategy)} on {E(f.Metric)}</h2>\n<p>{E(f.Strategy)}: <b>{Number(f.Overall.Mean)}</b> [{Number(f.Overall.Lower)}, {Number(f.Overall.Upper)}] over {f.Overall.Count:N0} scored test items, {f.Overall.Failures:N0} below {f.SuccessThreshold:0.##} (from the {E(f.Evidence)}).</p>\n");
        Findings(html, findings, totalFindings, f.Metric, anchors);
        Comparisons(html, f, anchors);
        Slices(html, f);
        Attribution(html, f);
        Clusters(html, f, anchors);
        foreach (var note in f.Notes)
        {
            html.Append("<p class=\"note\">").Append(E(note)).Append("</p>\n");
        }

        if (profile is not null)
        {
            Profile(html, profile);
        }

        Items(html, items);
        html.Append("</section>\n");
        return html.ToString();
    }

    private static void Findings(StringBuilder html, IReadOnlyList<DataWorkFinding> findings, int totalFindings, string metric, Dictionary<string, int> anchors)
    {
        html.Append("<h3>What to fix first</h3>\n");
        if (findings.Count == 0)
        {
            html.Append("<p>Nothing stands out: no blocker, no flagged slice, no failure cluster below the mean.</p>\n");
            return;
        }

        html.Append("<ol>");
        foreach (var finding in findings)
        {
            var gain = AnalysisFormatting.Gain(finding, metric);
            html.Append(CultureInfo.InvariantCulture, $"<li class=\"{(finding.Severity == "blocker" ? "blocker" : string.Empty)}\"><b>{E(finding.Title)}</b> — {finding.AffectedItems:N0} items, {finding.FailedItems:N0} wrong, {E(gain)}.<br>{E(finding.Evidence)}<br><i>Fix:</i> {E(finding.Fix)}<br>{Links(finding.Items, anchors, 10)}</li>");
        }

        html.Append("</ol>\n<p class=\"note\">Potential gains are upper bounds per finding (the affected items' distance from a perfect score over all scored items); findings overlap, so do not add them.");
        if (totalFindings > findings.Count)
        {
            html.Append(CultureInfo.InvariantCulture, $" The top {findings.Count} of {totalFindings} findings; the data-work report lists them all.");
        }

        html.Append("</p>\n");
    }

    private static void Comparisons(StringBuilder html, FailureAnalysis f, Dictionary<string, int> anchors)
    {
        if (f.Comparisons.Count == 0)
        {
            return;
        }

        html.Append("<h3>Rung against rung</h3>\n<table><tr><th>first → second</th><th>n</th><th>fixed</th><th>broken</th><th>second better / first better / tie</th><th>Δ (second − first)</th><th>interval</th><th>test</th><th>p</th></tr>\n");
        foreach (var c in f.Comparisons)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(c.First)} → {E(c.Second)}</td><td>{c.Count:N0}</td><td>{c.FixedItems.Count:N0}</td><td>{c.BrokenItems.Count:N0}</td><td>{c.SecondWins:N0} / {c.FirstWins:N0} / {c.Ties:N0}</td><td>{c.Difference:+0.000;-0.000;0.000}</td><td>[{Number(c.Lower)}, {Number(c.Upper)}]</td><td>{E(c.Test)}</td><td>{E(PValue(c.PValue))}{(c.Significant ? " *" : string.Empty)}</td></tr>\n");
        }

        html.Append("</table>\n");
        foreach (var c in f.Comparisons.Where(c => c.BrokenItems.Count > 0 || c.FixedItems.Count > 0))
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{E(c.First)} → {E(c.Second)}: fixed {Links(c.FixedItems, anchors, 10)}; broken {Links(c.BrokenItems, anchors, 10)}</p>\n");
        }
    }

    private static void Slices(StringBuilder html, FailureAnalysis f)
    {
        var s = f.SliceSettings;
        html.Append(CultureInfo.InvariantCulture, $"<h3>Slices</h3>\n<p class=\"note\">{s.Tested:N0} slices of at least {s.MinSliceSize} items tested ({s.TooSmall:N0} smaller left out); {E(s.Test)}, corrected by {E(s.Correction)} at α = {s.Alpha.ToString(CultureInfo.InvariantCulture)}. Intervals: {E(s.Interval)}.</p>\n");
        var shown = f.Slices.Where(x => x.Flagged).Concat(f.Slices.Where(x => !x.Flagged).Take(WorstSlices)).Distinct().OrderBy(x => x.Mean).ToArray();
        if (shown.Length == 0)
        {
            return;
        }

        html.Append(SliceChart(shown, f.Overall.Mean, f.Metric));
        html.Append("<table><tr><th>feature</th><th>value</th><th>n</th><th>mean</th><th>interval</th><th>wrong</th><th>p</th><th>corrected p</th></tr>\n");
        foreach (var x in shown)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{(x.Flagged ? "flag" : string.Empty)}\"><td>{E(x.Feature)}</td><td class=\"t\">{E(x.Value)}</td><td>{x.Count:N0}</td><td>{Number(x.Mean)}</td><td>[{Number(x.Lower)}, {Number(x.Upper)}]</td><td>{x.Failures:N0}</td><td>{E(PValue(x.PValue))}</td><td>{E(PValue(x.AdjustedPValue))}{(x.Flagged ? " *" : string.Empty)}</td></tr>\n");
        }

        html.Append("</table><p class=\"note\">* flagged: significantly below the overall mean after correction.</p>\n");
    }

    /// <summary>Bars (slice means) with interval whiskers; the dashed line is the overall mean; flagged slices in red.</summary>
    private static string SliceChart(SliceResult[] slices, double overall, string metric)
    {
        const int Left = 300, Right = 60, Row = 22, Top = 28;
        var max = Math.Max(1e-9, slices.Select(x => x.Upper).Append(overall).Where(double.IsFinite).DefaultIfEmpty(1).Max());
        var height = Top + (slices.Length * Row) + 24;
        double X(double v) => Left + (Math.Clamp(v, 0, max) / max * (Width - Left - Right));
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" role=\"img\" aria-label=\"{E(metric)} per slice\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{E(metric)} per slice (dashed: overall {Number(overall)})</text>");
        for (var i = 0; i < slices.Length; i++)
        {
            var x = slices[i];
            var y = Top + (i * Row);
            var color = x.Flagged ? "#e15759" : "#4e79a7";
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{y + 14}\" font-size=\"11\" text-anchor=\"end\">{E(Shorten($"{x.Feature} = {x.Value}", 48))}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{y + 3}\" width=\"{Math.Max(0, X(x.Mean) - Left):F1}\" height=\"14\" fill=\"{color}\" opacity=\"0.8\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(x.Lower):F1}\" x2=\"{X(x.Upper):F1}\" y1=\"{y + 10}\" y2=\"{y + 10}\" stroke=\"#222\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(x.Upper) + 4:F1}\" y=\"{y + 14}\" font-size=\"10\">{Number(x.Mean)} (n={x.Count})</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(overall):F1}\" x2=\"{X(overall):F1}\" y1=\"{Top}\" y2=\"{height - 20}\" stroke=\"#222\" stroke-dasharray=\"4 3\"/>");
        return svg.Append("</svg>\n").ToString();
    }

    private static void Attribution(StringBuilder html, FailureAnalysis f)
    {
        html.Append("<h3>Retrieval or reading?</h3>\n");
        if (f.AttributionNote is { } note)
        {
            html.Append("<p class=\"note\">").Append(E(note)).Append("</p>\n");
        }

        if (f.Attribution.Count == 0)
        {
            return;
        }

        const int Left = 200, Right = 20, Row = 26, Top = 10;
        var height = Top + (f.Attribution.Count * Row) + 34;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" role=\"img\" aria-label=\"failure attribution per strategy\">");
        for (var r = 0; r < f.Attribution.Count; r++)
        {
            var a = f.Attribution[r];
            var y = Top + (r * Row);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{y + 15}\" font-size=\"12\" text-anchor=\"end\">{E(a.Strategy)}</text>");
            var x = (double)Left;
            foreach (var (cause, label, color) in Causes)
            {
                var count = a.Items.Count(i => i.Cause == cause);
                var w = a.Count == 0 ? 0 : (double)count / a.Count * (Width - Left - Right);
                if (w > 0)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:F1}\" y=\"{y + 2}\" width=\"{w:F1}\" height=\"18\" fill=\"{color}\"><title>{E(label)}: {count}</title></rect>");
                }

                x += w;
            }
        }

        var legendX = 10.0;
        foreach (var (_, label, color) in Causes)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{legendX:F0}\" y=\"{height - 18}\" width=\"10\" height=\"10\" fill=\"{color}\"/><text x=\"{legendX + 14:F0}\" y=\"{height - 9}\" font-size=\"11\">{E(label)}</text>");
            legendX += 16 + (label.Length * 6.2);
        }

        html.Append(svg.Append("</svg>\n"));
        html.Append("<table><tr><th>strategy</th><th>n</th><th>correct, gold in context</th><th>correct without it</th><th>retrieval misses</th><th>reading misses</th><th>no gold passage</th><th>unscored</th><th>misses with answer in no document</th></tr>\n");
        foreach (var a in f.Attribution)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(a.Strategy)}</td><td>{a.Count:N0}</td><td>{a.CorrectWithGold:N0}</td><td>{a.CorrectWithoutGold:N0}</td><td>{a.RetrievalMisses:N0}</td><td>{a.ReadingMisses:N0}</td><td>{a.NoGoldPassage:N0}</td><td>{a.Unscored:N0}</td><td>{(a.RetrievalMissesNotInCorpus is { } n ? n.ToString("N0", CultureInfo.InvariantCulture) : "n/a")}</td></tr>\n");
        }

        html.Append(CultureInfo.InvariantCulture, $"</table><p class=\"note\">Gold passage in the context from: {E(f.Attribution[0].Source)}. A retrieval miss is fixed in the index, chunking or query; a reading miss in the prompt or the model.</p>\n");
    }

    private static void Clusters(StringBuilder html, FailureAnalysis f, Dictionary<string, int> anchors)
    {
        var c = f.Clusters;
        html.Append(CultureInfo.InvariantCulture, $"<h3>Failure clusters</h3>\n<p class=\"note\">{E(c.Method)}.</p>\n");
        if (!c.Available)
        {
            return;
        }

        html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{c.Failures:N0} failures in k = {c.K} clusters; mean simplified silhouette by k: {E(string.Join(", ", c.Silhouettes.Select(p => $"{p.Key}: {p.Value:0.000}")))}.</p>\n");
        html.Append("<table><tr><th>#</th><th>failures</th><th>region items</th><th>region mean</th><th>about</th><th>representatives</th></tr>\n");
        foreach (var cluster in c.Clusters)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{cluster.Id}</td><td>{cluster.Failures:N0}</td><td>{cluster.RegionItems:N0}</td><td>{Number(cluster.RegionMean)}</td><td class=\"t\">{E(string.Join(", ", cluster.TopTerms))}</td><td class=\"t\">{Links(cluster.Representatives, anchors, 5)}</td></tr>\n");
        }

        html.Append("</table>\n");
    }

    private static void Profile(StringBuilder html, DatasetProfile p)
    {
        html.Append(CultureInfo.InvariantCulture, $"<h3>Dataset profile: {E(p.Dataset.Name)}</h3>\n<p>{p.Dataset.Items:N0} items, {p.CorpusDocuments:N0} corpus documents, fingerprint <code>{E(p.Dataset.Fingerprint)}</code>. Lengths in {E(p.LengthUnit)}.</p>\n");
        html.Append("<table><tr><th>split</th><th>items</th><th>groups</th><th>labels</th><th>input length median [p25, p75] (p95, max)</th><th>answer length median [p25, p75] (p95, max)</th></tr>\n");
        foreach (var s in p.Splits)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(s.Name)}</td><td>{s.Items:N0}</td><td>{(s.Groups is { } g ? g.ToString("N0", CultureInfo.InvariantCulture) : "-")}</td><td>{s.Labels:N0}</td><td>{Lengths(s.InputLength)}</td><td>{Lengths(s.AnswerLength)}</td></tr>\n");
        }

        html.Append("</table>\n").Append(Histogram(p.InputLength, "input length (" + p.LengthUnit + ")"));
        html.Append(CultureInfo.InvariantCulture, $"<p>Script mix of the inputs (dominant Unicode script, not language identification): {E(string.Join(", ", p.ScriptMix.Select(s => $"{s.Value} {s.Count:N0} ({s.Share:P1})")))}; {p.MixedScriptInputs:N0} mixed.</p>\n");
        if (p.FieldGaps.Count > 0)
        {
            html.Append("<table><tr><th>field</th><th>items</th><th>problem</th><th>e.g.</th></tr>\n");
            foreach (var gap in p.FieldGaps)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{E(gap.Field)}</code></td><td>{gap.Items:N0}</td><td class=\"t\">{E(gap.Problem)}</td><td class=\"t\">{E(string.Join(", ", gap.Examples.Take(3)))}</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        var d = p.Duplicates;
        html.Append(CultureInfo.InvariantCulture, $"<p>Duplicates ({E(d.Method)}): {d.ExactGroups:N0} exact groups ({d.ExactItems:N0} items), {d.NearPairs:N0} near pairs; {d.CrossSplit:N0} across splits ({d.TestItemsDuplicatedElsewhere.Count:N0} test items), {d.ConflictingGold:N0} exact groups and {d.NearConflictingGold:N0} near pairs with different gold (near pairs are candidates: similar embeddings can ask different things).</p>\n");
        if (d.Examples.Count > 0)
        {
            html.Append("<table><tr><th>kind</th><th>similarity</th><th>cross-split</th><th>conflicting gold</th><th>items</th></tr>\n");
            foreach (var group in d.Examples)
            {
                var members = string.Join("<br>", group.Items.Select(i => $"<code>{E(i.Id)}</code> ({E(i.Split)}) {E(i.Input)} → {E(string.Join(" / ", i.Gold))}"));
                html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(group.Kind)}</td><td>{group.Similarity:0.000}</td><td>{(group.CrossSplit ? "yes" : "no")}</td><td>{(group.ConflictingGold ? "yes" : "no")}</td><td class=\"t\">{members}</td></tr>\n");
            }

            html.Append("</table>\n");
        }

        if (p.Answerability is { } a)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>Answerability (gold answer as whole normalised words of a document): of {a.Checked:N0} items with gold, {a.InGoldPassage:N0} in their gold passage, {a.OnlyInOtherDocuments:N0} only in other documents, {a.InCorpusWithoutGoldPassage:N0} in the corpus without a gold passage, <b>{a.NotInCorpus:N0} nowhere in the corpus</b>; {a.NoGold:N0} without gold.</p>\n");
        }

        foreach (var note in p.Notes)
        {
            html.Append("<p class=\"note\">").Append(E(note)).Append("</p>\n");
        }
    }

    /// <summary>A small column histogram of a length distribution.</summary>
    private static string Histogram(LengthDistribution d, string label)
    {
        if (d.Count == 0 || d.Histogram.Count == 0)
        {
            return string.Empty;
        }

        const int Height = 140, Left = 40, Bottom = 30, Top = 20;
        var max = d.Histogram.Max(b => b.Count);
        var barWidth = (double)(Width - Left - 20) / d.Histogram.Count;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" role=\"img\" aria-label=\"{E(label)} histogram\"><text x=\"{Left}\" y=\"14\" font-size=\"12\" font-weight=\"bold\">{E(label)}</text>");
        for (var i = 0; i < d.Histogram.Count; i++)
        {
            var bin = d.Histogram[i];
            var h = max == 0 ? 0 : (double)bin.Count / max * (Height - Top - Bottom);
            var x = Left + (i * barWidth);
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x + 1:F1}\" y=\"{Height - Bottom - h:F1}\" width=\"{barWidth - 2:F1}\" height=\"{h:F1}\" fill=\"#4e79a7\"><title>≤ {Number(bin.Upper, "0.#")}: {bin.Count}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (barWidth / 2):F1}\" y=\"{Height - Bottom + 14}\" font-size=\"10\" text-anchor=\"middle\">≤{Number(bin.Upper, "0.#")}</text>");
        }

        return svg.Append("</svg>\n").ToString();
    }

    private static void Items(StringBuilder html, IReadOnlyList<ItemDetail> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        html.Append("<h3>Items referred to</h3>\n<table><tr><th>item</th><th>input</th><th>gold</th><th>answer</th><th>score</th><th>cause</th><th>sources</th></tr>\n");
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            html.Append(CultureInfo.InvariantCulture, $"<tr id=\"dw-item-{i}\"><td><code>{E(item.Id)}</code></td><td class=\"t\">{E(item.Input)}</td><td class=\"t\">{E(string.Join(" / ", item.Gold))}</td><td class=\"t\">{E(item.Answer ?? "(not recorded)")}</td><td>{(item.Score is { } s ? Number(s) : "n/a")}</td><td class=\"t\">{E(item.Cause ?? string.Empty)}</td><td class=\"t\">{E(string.Join(", ", item.Sources))}</td></tr>\n");
        }

        html.Append("</table>\n");
    }

    private static string Links(IReadOnlyList<string> ids, Dictionary<string, int> anchors, int max)
    {
        var shown = ids.Take(max).Select(id => anchors.TryGetValue(id, out var i) ? $"<a href=\"#dw-item-{i}\"><code>{E(id)}</code></a>" : $"<code>{E(id)}</code>");
        var text = string.Join(", ", shown);
        return ids.Count > max ? text + string.Create(CultureInfo.InvariantCulture, $" and {ids.Count - max} more") : text;
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
