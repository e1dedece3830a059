using System.Globalization;
using static LlmStrategies.Experiments.ReportFormatting;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>Formats shared by the Markdown, HTML and console renderers of data-work results.</summary>
internal static class AnalysisFormatting
{
    /// <summary>"median [p25, p75] (p95, max)", or n/a.</summary>
    public static string Lengths(LengthDistribution d) => d.Count == 0
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"{Number(d.Median, "0.#")} [{Number(d.P25, "0.#")}, {Number(d.P75, "0.#")}] ({Number(d.P95, "0.#")}, {Number(d.Max, "0.#")})");

    /// <summary>What a finding is worth, in words: a blocker, a candidate to review, or its potential gain.</summary>
    public static string Gain(DataWorkFinding finding, string metric) => finding.Severity switch
    {
        "blocker" => "blocker: the scores cannot be trusted until it is fixed",
        "review" => "to review: effect unknown",
        _ => string.Create(CultureInfo.InvariantCulture, $"up to +{finding.PotentialGain:0.000} on {metric}"),
    };

    /// <summary>The potential-gain cell of a findings table.</summary>
    public static string GainCell(DataWorkFinding finding) => finding.Severity == "improvement" ? "+" + Number(finding.PotentialGain) : "-";
}
