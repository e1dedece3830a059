using LlmStrategies.FineTuning.TrainingData;

namespace LlmStrategies.FineTuning;

/// <summary>
/// What a hosted fine-tuning job will cost before anything is sent: training tokens per epoch × epochs × the price
/// per million training tokens. Providers bill the tokens actually trained, so this is an estimate; it is exact when
/// the provider counts tokens as the validator does and trains the given number of epochs.
/// </summary>
public sealed record TrainingCostEstimate
{
    // OpenAI cookbook ("Data preparation and analysis for chat model fine-tuning"): the default number of epochs aims
    // at about 3 epochs, at least 100 and at most 25,000 example-passes, between 1 and 25 epochs.
    private const int TargetEpochs = 3;
    private const int MinTargetExamples = 100;
    private const int MaxTargetExamples = 25_000;
    private const int MinDefaultEpochs = 1;
    private const int MaxDefaultEpochs = 25;

    /// <summary>Gets the training tokens in one pass over the data.</summary>
    public required long TokensPerEpoch { get; init; }

    /// <summary>Gets the number of epochs the estimate assumes.</summary>
    public required int Epochs { get; init; }

    /// <summary>Gets a value indicating whether <see cref="Epochs"/> was chosen by <see cref="DefaultEpochs"/> (the provider's "auto").</summary>
    public required bool EpochsChosenAutomatically { get; init; }

    /// <summary>Gets the price per million training tokens.</summary>
    public required decimal PricePerMillionTokens { get; init; }

    /// <summary>Gets the tokens billed: <see cref="TokensPerEpoch"/> × <see cref="Epochs"/>.</summary>
    public long BillableTokens => TokensPerEpoch * Epochs;

    /// <summary>Gets the estimated cost.</summary>
    public decimal Cost => BillableTokens * PricePerMillionTokens / 1_000_000m;

    /// <summary>Estimates the cost of training on a validated file.</summary>
    /// <param name="report">The validation report of the training file.</param>
    /// <param name="pricePerMillionTrainingTokens">The provider's price per million training tokens.</param>
    /// <param name="epochs">The number of epochs, or <see langword="null"/> for the provider's automatic choice (<see cref="DefaultEpochs"/>).</param>
    /// <returns>The estimate.</returns>
    /// <exception cref="TrainingDataValidationException">The file has errors; an estimate for data that cannot be uploaded would mislead.</exception>
    public static TrainingCostEstimate For(TrainingDataReport report, decimal pricePerMillionTrainingTokens, int? epochs = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        report.ThrowIfInvalid();
        return For(report.TotalTokens, report.ValidExampleCount, pricePerMillionTrainingTokens, epochs);
    }

    /// <summary>Estimates the cost of training on data of a given size.</summary>
    /// <param name="tokensPerEpoch">The training tokens in one pass over the data.</param>
    /// <param name="exampleCount">The number of examples (used to choose the epochs when <paramref name="epochs"/> is null).</param>
    /// <param name="pricePerMillionTrainingTokens">The provider's price per million training tokens.</param>
    /// <param name="epochs">The number of epochs, or <see langword="null"/> for <see cref="DefaultEpochs"/>.</param>
    /// <returns>The estimate.</returns>
    public static TrainingCostEstimate For(long tokensPerEpoch, int exampleCount, decimal pricePerMillionTrainingTokens, int? epochs = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokensPerEpoch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exampleCount);
        ArgumentOutOfRangeException.ThrowIfNegative(pricePerMillionTrainingTokens);
        if (epochs is { } given)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(given, nameof(epochs));
        }

        return new TrainingCostEstimate
        {
            TokensPerEpoch = tokensPerEpoch,
            Epochs = epochs ?? DefaultEpochs(exampleCount),
            EpochsChosenAutomatically = epochs is null,
            PricePerMillionTokens = pricePerMillionTrainingTokens,
        };
    }

    /// <summary>
    /// The number of epochs a provider's "auto" setting picks for <paramref name="exampleCount"/> examples, following
    /// OpenAI's published heuristic: 3, raised for small sets to reach 100 example-passes (at most 25 epochs), lowered
    /// for large sets to stay within 25,000 (at least 1).
    /// </summary>
    /// <param name="exampleCount">The number of training examples; positive.</param>
    /// <returns>The number of epochs.</returns>
    public static int DefaultEpochs(int exampleCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exampleCount);
        if ((long)exampleCount * TargetEpochs < MinTargetExamples)
        {
            return Math.Min(MaxDefaultEpochs, MinTargetExamples / exampleCount);
        }

        if ((long)exampleCount * TargetEpochs > MaxTargetExamples)
        {
            return Math.Max(MinDefaultEpochs, MaxTargetExamples / exampleCount);
        }

        return TargetEpochs;
    }
}
