using System.Globalization;
using System.Text;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>A plain-text summary of a <see cref="DataWorkReport"/> for a console: the overall figure and the top findings.</summary>
public static class DataWorkConsole
{
    /// <summary>Renders the summary: one line for the analysed strategy, then the top findings with their evidence and fix.</summary>
    /// <param name="report">The report.</param>
    /// <param name="top">How many findings to show. Default 3.</param>
    /// <returns>The text, lines separated by '\n'.</returns>
    public static string Summary(DataWorkReport report, int top = 3)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        var f = report.Failures;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Where it fails: {f.Strategy} scores {f.Metric} {f.Overall.Mean:0.000} [{f.Overall.Lower:0.000}, {f.Overall.Upper:0.000}] on {f.Overall.Count:N0} test items; {f.Overall.Failures:N0} below {f.SuccessThreshold:0.##}.\n");
        if (report.Findings.Count == 0)
        {
            text.Append("What to fix first: nothing stands out (no blocker, no flagged slice, no failure cluster below the mean).\n");
            return text.ToString();
        }

        text.Append("What to fix first:\n");
        foreach (var finding in report.Findings.Take(top))
        {
            var gain = AnalysisFormatting.Gain(finding, f.Metric);
            text.Append(CultureInfo.InvariantCulture, $"  {finding.Rank}. {finding.Title} — {finding.AffectedItems:N0} items ({finding.FailedItems:N0} wrong); {gain}.\n");
            text.Append("     ").Append(finding.Evidence).Append('\n');
            text.Append("     Fix: ").Append(finding.Fix).Append('\n');
            if (finding.Items.Count > 0)
            {
                text.Append("     e.g. ").AppendJoin(", ", finding.Items.Take(5)).Append('\n');
            }
        }

        return text.ToString();
    }
}
