using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace LlmStrategies.Evaluation;

/// <summary>How <see cref="DatasetSplitter"/> divides a dataset into train, dev and test. Validated by a source-generated validator when a split is made.</summary>
public sealed class SplitOptions : IValidatableObject
{
    /// <summary>Gets or sets the random seed; the same seed and data give the same split on every machine. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Gets or sets the fraction of items (or groups) for training and the few-shot pool. Default 0.6.</summary>
    [ValueRange(0.0, 1.0, ErrorMessage = "SplitOptions.TrainFraction must be a fraction between 0 and 1.")]
    public double TrainFraction { get; set; } = 0.6;

    /// <summary>Gets or sets the fraction for development (tuning prompts and settings). Default 0.2.</summary>
    [ValueRange(0.0, 1.0, ErrorMessage = "SplitOptions.DevFraction must be a fraction between 0 and 1.")]
    public double DevFraction { get; set; } = 0.2;

    /// <summary>Gets or sets the fraction for the held-out test set. Default 0.2.</summary>
    [ValueRange(0.0, 1.0, ErrorMessage = "SplitOptions.TestFraction must be a fraction between 0 and 1.")]
    public double TestFraction { get; set; } = 0.2;

    /// <summary>
    /// Gets or sets a value indicating whether each label's items are divided in the same proportions (stratification).
    /// Default <see langword="true"/>; items without a label form one stratum.
    /// </summary>
    public bool StratifyByLabel { get; set; } = true;

    /// <summary>
    /// Gets or sets the metadata field whose value keeps items together (for example "article" for SQuAD: questions
    /// about one paragraph must not be both in the few-shot pool and in the test set). Default <see langword="null"/>:
    /// every item is its own group.
    /// </summary>
    public string? GroupBy { get; set; }

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        var sum = TrainFraction + DevFraction + TestFraction;
        if (Math.Abs(sum - 1) > 1e-9)
        {
            yield return new ValidationResult(
                string.Create(CultureInfo.InvariantCulture, $"SplitOptions.TrainFraction ({TrainFraction}), DevFraction ({DevFraction}) and TestFraction ({TestFraction}) must sum to 1; they sum to {sum}."),
                [nameof(TrainFraction), nameof(DevFraction), nameof(TestFraction)]);
        }

        if (GroupBy is not null && string.IsNullOrWhiteSpace(GroupBy))
        {
            yield return new ValidationResult("SplitOptions.GroupBy must name a metadata field (for example \"article\"), or be null for no grouping; it is blank.", [nameof(GroupBy)]);
        }
    }
}
