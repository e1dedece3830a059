using System.Globalization;

namespace LlmStrategies.Experiments;

/// <summary>Number formats shared by the Markdown and HTML reports.</summary>
internal static class ReportFormatting
{
    public static string Number(double value, string format = "F3") =>
        double.IsNaN(value) ? "n/a" : value.ToString(format, CultureInfo.InvariantCulture);

    public static string Interval(MetricSummary metric) =>
        metric.Count == 0 ? "n/a" : $"{Number(metric.Mean)} [{Number(metric.Lower)}, {Number(metric.Upper)}]";

    public static string Cost(decimal? value, string currency) =>
        value is { } v ? v.ToString("0.######", CultureInfo.InvariantCulture) + " " + currency : "unknown";

    /// <summary>A p-value as text: never "0" (below 1e-16 it is "&lt; 1e-16", the limit of double-precision arithmetic), small ones in scientific notation.</summary>
    public static string PValue(double? p) => p switch
    {
        null => "n/a",
        { } value => PValue(value),
    };

    /// <summary>A p-value as text: never "0" (below 1e-16 it is "&lt; 1e-16"), small ones in scientific notation.</summary>
    public static string PValue(double p) => p switch
    {
        double.NaN => "n/a",
        < 1e-16 => "< 1e-16",
        < 0.0001 => p.ToString("0.0e+0", CultureInfo.InvariantCulture),
        _ => p.ToString("0.0000", CultureInfo.InvariantCulture),
    };

    /// <summary>"p = 0.0312", or "p &lt; 1e-16" when below the limit: never "p = &lt; ...".</summary>
    public static string PIs(string name, double? p) => PValue(p) is var text && text.StartsWith('<') ? $"{name} {text}" : $"{name} = {text}";

    /// <summary>An effect size as text, or "undefined" when it is.</summary>
    public static string EffectSize(double? d) => d is { } value ? Number(value, "F2") : "undefined";

    /// <summary>The recommendation (or why there is none) in one sentence, shared by the Markdown and HTML renderings.</summary>
    public static (string Headline, string Reason) Verdict(ExperimentReport report)
    {
        if (report.Recommendation is not { } r)
        {
            return ("No recommendation", report.NoRecommendation ?? "The run has no scores.");
        }

        return ("Recommendation: " + r.Strategy, r.Candidates.Count == 1
            ? $"It is the best on {report.Settings.PrimaryMetric} and every other strategy is significantly worse."
            : $"It is the cheapest (by {r.CostBasis}) of the {r.Candidates.Count} strategies not significantly worse than the best, {r.Best}.");
    }

    /// <summary>Every metric of the report, in first-seen order (a strategy whose runs all failed has none).</summary>
    public static string[] MetricNames(ExperimentReport report) =>
        report.Strategies.SelectMany(s => s.Metrics).Select(m => m.Name).Distinct(StringComparer.Ordinal).ToArray();
}
