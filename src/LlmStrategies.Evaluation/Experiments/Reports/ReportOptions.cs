using System.ComponentModel.DataAnnotations;
using LlmStrategies.Evaluation;

namespace LlmStrategies.Experiments;

/// <summary>How <see cref="ExperimentReport.Create"/> computes statistics and the recommendation. Validated by a source-generated validator when a report is created.</summary>
public sealed class ReportOptions : IValidatableObject
{
    /// <summary>Gets or sets the metric the recommendation is based on; default the first metric of the run that is not lower-is-better.</summary>
    public string? PrimaryMetric { get; set; }

    /// <summary>
    /// Gets or sets why <see cref="PrimaryMetric"/> decides (shown next to it in every report), for example "SQuAD F1:
    /// the official token-overlap score of the data set". Default: a sentence saying it was the run's first quality metric.
    /// </summary>
    public string? PrimaryMetricReason { get; set; }

    /// <summary>
    /// Gets or sets whether intervals and paired tests resample the run's clusters (items sharing a paragraph or
    /// article, see <see cref="ExperimentOptions.ClusterBy"/>) when it has them. Default <see langword="true"/>:
    /// treating correlated items as independent makes intervals too narrow.
    /// </summary>
    public bool ClusterResampling { get; set; } = true;

    /// <summary>
    /// Gets or sets the largest share of a strategy's runs that may fail for it to be compared and recommended; a
    /// strategy with more failures is marked incomplete and excluded. Default 0.05.
    /// </summary>
    public double MaxFailedShare { get; set; } = 0.05;

    /// <summary>Gets or sets the confidence level of the bootstrap intervals. Default 0.95.</summary>
    [ValueRange(0.0, 1.0, MinimumIsExclusive = true, MaximumIsExclusive = true, ErrorMessage = "ReportOptions.ConfidenceLevel must be between 0 and 1 (both exclusive), for example 0.95.")]
    public double ConfidenceLevel { get; set; } = 0.95;

    /// <summary>Gets or sets the significance level of the paired tests. Default 0.05.</summary>
    [ValueRange(0.0, 1.0, MinimumIsExclusive = true, MaximumIsExclusive = true, ErrorMessage = "ReportOptions.Alpha must be a significance level between 0 and 1 (both exclusive), for example 0.05.")]
    public double Alpha { get; set; } = 0.05;

    /// <summary>Gets or sets the number of bootstrap resamples and random sign-flip permutations. Default 10,000.</summary>
    [ValueRange(1, 100_000_000, ErrorMessage = "ReportOptions.Resamples must be between 1 and 100,000,000 (10,000 is usual).")]
    public int Resamples { get; set; } = 10_000;

    /// <summary>Gets or sets the random seed of the bootstrap and the permutation tests. Default 20240601.</summary>
    public int Seed { get; set; } = 20240601;

    /// <summary>Gets the metrics where lower is better; by default the latency, cost and token metrics of <see cref="LatencyCostEvaluator"/>.</summary>
    public ISet<string> LowerIsBetter { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        LatencyCostEvaluator.LatencyMetricName,
        LatencyCostEvaluator.CostMetricName,
        LatencyCostEvaluator.TokensMetricName,
    };

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (PrimaryMetric is not null && string.IsNullOrWhiteSpace(PrimaryMetric))
        {
            yield return new ValidationResult("ReportOptions.PrimaryMetric must name a metric of the run, or be null for the first quality metric; it is blank.", [nameof(PrimaryMetric)]);
        }
    }
}
