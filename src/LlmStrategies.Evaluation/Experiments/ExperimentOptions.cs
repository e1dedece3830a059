using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace LlmStrategies.Experiments;

/// <summary>How <see cref="ExperimentRunner"/> runs strategies over a test set. Validated by a source-generated validator when the runner is created.</summary>
public sealed class ExperimentOptions : IValidatableObject
{
    /// <summary>Gets or sets the experiment's name (reports). Default "experiment".</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "ExperimentOptions.Name must not be empty; it names the experiment in reports.")]
    public string Name { get; set; } = "experiment";

    /// <summary>Gets or sets how many times each item is run per strategy (for nondeterministic models; scores are averaged per item). Default 1.</summary>
    [ValueRange(1, 1_000, ErrorMessage = "ExperimentOptions.Repeats must be between 1 and 1,000 runs per item.")]
    public int Repeats { get; set; } = 1;

    /// <summary>Gets or sets the number of calls in flight at once. Default 4.</summary>
    [ValueRange(1, 1_024, ErrorMessage = "ExperimentOptions.MaxDegreeOfParallelism must be between 1 and 1,024 calls in flight.")]
    public int MaxDegreeOfParallelism { get; set; } = 4;

    /// <summary>Gets or sets the maximum calls started per second (a token bucket), or <see langword="null"/> for no limit. Default <see langword="null"/>. Cache hits are not limited.</summary>
    [ValueRange(0.0, double.MaxValue, MinimumIsExclusive = true, ErrorMessage = "ExperimentOptions.RequestsPerSecond must be a positive, finite number of calls per second, or null for no limit.")]
    public double? RequestsPerSecond { get; set; }

    /// <summary>
    /// Gets or sets the budget in the price table's currency, or <see langword="null"/> for none. The runner refuses to
    /// start when the pre-flight estimate exceeds it and stops when the spent cost exceeds it.
    /// </summary>
    public decimal? Budget { get; set; }

    /// <summary>Gets or sets the estimated prompt tokens per call beyond the question, for the pre-flight estimate. Default 500.</summary>
    [ValueRange(0, int.MaxValue, ErrorMessage = "ExperimentOptions.EstimatedPromptOverheadTokens must be zero or more tokens.")]
    public int EstimatedPromptOverheadTokens { get; set; } = 500;

    /// <summary>Gets or sets the estimated output tokens per call, for the pre-flight estimate. Default 100.</summary>
    [ValueRange(0, int.MaxValue, ErrorMessage = "ExperimentOptions.EstimatedOutputTokens must be zero or more tokens.")]
    public int EstimatedOutputTokens { get; set; } = 100;

    /// <summary>
    /// Gets or sets the JSONL checkpoint file, or <see langword="null"/> for none. Every finished (strategy, item, repeat)
    /// is appended and flushed; a rerun with the same strategies, items and evaluators skips what is there. A file
    /// written for another experiment fails loudly.
    /// </summary>
    public string? CheckpointPath { get; set; }

    /// <summary>
    /// Gets or sets the metadata field that groups items which are not independent (the questions of one paragraph or
    /// article), so reports compute cluster-bootstrap intervals and cluster permutation tests over its groups:
    /// <see cref="AutoCluster"/> (the default) uses "paragraph" when every item has it (SQuAD) and treats items as
    /// independent otherwise; a field name uses that field (every item must have it); <see langword="null"/> or empty
    /// treats items as independent.
    /// </summary>
    public string? ClusterBy { get; set; } = AutoCluster;

    /// <summary>The value of <see cref="ClusterBy"/> that picks the grouping field from the data: "auto".</summary>
    public const string AutoCluster = "auto";

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (Budget is < 0)
        {
            yield return new ValidationResult(string.Create(CultureInfo.InvariantCulture, $"ExperimentOptions.Budget ({Budget}) must be zero or more, or null for no budget."), [nameof(Budget)]);
        }

        if (CheckpointPath is not null && string.IsNullOrWhiteSpace(CheckpointPath))
        {
            yield return new ValidationResult("ExperimentOptions.CheckpointPath must be a file path, or null for no checkpoint; it is blank.", [nameof(CheckpointPath)]);
        }
    }
}
