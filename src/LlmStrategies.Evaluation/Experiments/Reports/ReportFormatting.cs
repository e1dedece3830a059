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

    public static string PValue(double p) => p < 0.0001 ? "< 0.0001" : p.ToString("0.0000", CultureInfo.InvariantCulture);
}
