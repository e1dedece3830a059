using System.ComponentModel.DataAnnotations;

namespace LlmStrategies.Retrieval.Hybrid;

/// <summary>Settings of <see cref="HybridRetriever"/>. Validated by a source-generated validator when the retriever is created.</summary>
public sealed class HybridRetrieverOptions : IValidatableObject
{
    /// <summary>
    /// Gets or sets how lists are combined. Default <see cref="FusionMethod.ZScore"/>, a starting point rather than a
    /// measured optimum: it was picked by looking at every SQuAD question (in sample, not on held-out questions), and on a
    /// BEIR data set this project had not seen, z-score fusion with equal weights scored significantly below BM25 alone.
    /// Choose the method and the weights on labelled queries of your own corpus (<c>HybridFusionTuner</c> in
    /// LlmStrategies.Evaluation, no model calls) and check the choice on held-out queries.
    /// </summary>
    public FusionMethod Method { get; set; } = FusionMethod.ZScore;

    /// <summary>Gets or sets k of reciprocal rank fusion; larger values flatten the rank discount. Default 60 (the value of the original paper).</summary>
    [ValueRange(1, 1_000_000, ErrorMessage = "HybridRetrieverOptions.RrfK must be between 1 and 1,000,000 (60 is the usual value).")]
    public int RrfK { get; set; } = 60;

    /// <summary>Gets or sets how many candidates each retriever returns before fusion (at least the requested top). Default 50.</summary>
    [ValueRange(1, 1_000_000, ErrorMessage = "HybridRetrieverOptions.CandidatesPerRetriever must be between 1 and 1,000,000.")]
    public int CandidatesPerRetriever { get; set; } = 50;

    /// <summary>Gets or sets what counts as the same result. Default <see cref="FusionKey.Chunk"/>.</summary>
    public FusionKey DeduplicateBy { get; set; } = FusionKey.Chunk;

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Method))
        {
            yield return new ValidationResult($"HybridRetrieverOptions.Method '{Method}' is not a fusion method; use {string.Join(", ", Enum.GetNames<FusionMethod>())}.", [nameof(Method)]);
        }

        if (!Enum.IsDefined(DeduplicateBy))
        {
            yield return new ValidationResult($"HybridRetrieverOptions.DeduplicateBy '{DeduplicateBy}' is not a fusion key; use {string.Join(", ", Enum.GetNames<FusionKey>())}.", [nameof(DeduplicateBy)]);
        }
    }
}
