using System.Globalization;
using System.Text;
using static LlmStrategies.Experiments.ReportFormatting;

namespace LlmStrategies.Tuning;

/// <summary>Renders a <see cref="TuningReport"/> as Markdown (a pull-request comment, a results file).</summary>
internal static class TuningMarkdownReport
{
    public static string Render(TuningReport report)
    {
        var md = new StringBuilder();
        var level = Level(report.Settings.ConfidenceLevel);
        md.Append(CultureInfo.InvariantCulture, $"## Tuning: {Escape(report.Name)}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Metric **{Escape(report.Metric)}** (higher is better). Chosen on **{Escape(report.Selection.Name)}** ({report.Selection.Items} items, fingerprint `{report.Selection.Fingerprint}`); ");
        md.Append(CultureInfo.InvariantCulture, $"train **{Escape(report.Train.Name)}** ({report.Train.Items} items); test **{Escape(report.Test.Name)}** ({report.Test.Items} items, fingerprint `{report.Test.Fingerprint}`), evaluated once. ");
        md.Append(CultureInfo.InvariantCulture, $"{level} percentile bootstrap intervals and paired permutation tests ({report.Settings.Resamples:N0} resamples, seed {report.Settings.Seed}).\n\n");

        foreach (var line in report.Verdict)
        {
            md.Append("- ").Append(Escape(line)).Append('\n');
        }

        md.Append(CultureInfo.InvariantCulture, $"\n| configuration | {Escape(report.Selection.Name)} ({level} CI) | test ({level} CI) | fingerprint |\n|---|---|---|---|\n");
        Row(md, "tuned: " + PointText(report.Chosen.Point), report.Chosen.Selection, report.Chosen.Test, report.Chosen.Fingerprint);
        Row(md, "untuned default: " + PointText(report.Baseline.Point), report.Baseline.Selection, report.Baseline.Test, report.Baseline.Fingerprint);
        foreach (var r in report.References)
        {
            Row(md, "reference: " + r.Name, null, r.Test, r.Fingerprint ?? string.Empty);
        }

        md.Append("\n| comparison | difference | interval | test | p | items | significant |\n|---|---|---|---|---|---|---|\n");
        Comparison(md, $"tuned − default on {report.Selection.Name}", report.SelectionGain);
        Comparison(md, "tuned − default on test", report.TestGain);
        foreach (var r in report.References)
        {
            Comparison(md, $"tuned − {r.Name} on test", r.ChosenMinusReference);
        }

        md.Append(CultureInfo.InvariantCulture, $"\nWinner's curse (gain on {Escape(report.Selection.Name)} − gain on test): **{Signed(report.WinnersCurse)}**; the tuned configuration's own score moved {Signed(-report.ChosenDrop)} from {Escape(report.Selection.Name)} to test.\n");

        var s = report.Search;
        md.Append(CultureInfo.InvariantCulture, $"\n### Search: {Escape(s.Method)}, {s.Candidates} distinct candidates ({s.PointsSearched} points)\n\n");
        md.Append(CultureInfo.InvariantCulture, $"{s.UncachedRuns:N0} uncached runs, cost {Cost(s.Cost, s.Currency)}; pre-flight estimate: {Escape(s.Estimate ?? "none")}.\n\n");
        if (s.Rounds.Count > 0)
        {
            md.Append("| round | items | candidates | kept | uncached runs | cached runs | cost |\n|---|---|---|---|---|---|---|\n");
            foreach (var r in s.Rounds)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {r.Index + 1} | {r.Items} | {r.Candidates} | {r.Kept} | {r.UncachedRuns:N0} | {r.CachedRuns:N0} | {Cost(r.Cost, s.Currency)} |\n");
            }
        }

        if (report.Leaderboard.Count > 0)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n<details><summary>Leaderboard (top {report.Leaderboard.Count})</summary>\n\n| configuration | mean | items | dropped after round | duplicates |\n|---|---|---|---|---|\n");
            foreach (var e in report.Leaderboard)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {Escape(e.Point)} | {Number(e.Mean, "F4")} | {e.Items} | {(e.EliminatedInRound is { } round ? (round + 1).ToString(CultureInfo.InvariantCulture) : "chosen")} | {e.Duplicates} |\n");
            }

            md.Append("\n</details>\n");
        }

        AppendMarkdownNotes(md, report.Notes);

        return md.ToString();
    }

    private static void Row(StringBuilder md, string name, ScoreSummary? selection, ScoreSummary test, string fingerprint) =>
        md.Append(CultureInfo.InvariantCulture, $"| {Escape(name)} | {(selection is null ? "—" : Interval(selection))} | {Interval(test)} | `{fingerprint}` |\n");

    private static void Comparison(StringBuilder md, string name, PairedComparison c) =>
        md.Append(CultureInfo.InvariantCulture, $"| {Escape(name)} | {Signed(c.Difference)} | [{Signed(c.Lower)}, {Signed(c.Upper)}] | {Escape(c.Test)} | {(double.IsNaN(c.PValue) ? "n/a" : PValue(c.PValue))} | {c.Items} | {(c.Significant ? "yes" : "no")} |\n");

    internal static string Interval(ScoreSummary s) => s.Items == 0 ? "n/a" : $"{Number(s.Mean, "F4")} [{Number(s.Lower, "F4")}, {Number(s.Upper, "F4")}]";

    internal static string Signed(double value) => double.IsNaN(value) ? "n/a" : value.ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture);

    internal static string Level(double level) => level.ToString("P0", CultureInfo.InvariantCulture).Replace(" ", string.Empty, StringComparison.Ordinal);

    internal static string PointText(IReadOnlyDictionary<string, string> point) => point.Count == 0 ? "(no parameters)" : string.Join("; ", point.Select(p => $"{p.Key}={p.Value}"));

    internal static void AppendMarkdownNotes(StringBuilder md, IReadOnlyList<string> notes)
    {
        if (notes.Count == 0)
        {
            return;
        }

        md.Append("\n### Notes\n\n");
        foreach (var note in notes)
        {
            md.Append("- ").Append(Escape(note)).Append('\n');
        }
    }

    internal static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
