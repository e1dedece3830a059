using System.ComponentModel.DataAnnotations;
using LlmStrategies.Retrieval.Hybrid;
using Microsoft.Extensions.Options;

namespace LlmStrategies.VectorData;

/// <summary>How <see cref="InMemoryHybridCollection{TKey, TRecord}.HybridSearchAsync{TInput}"/> fuses the vector and keyword result lists.</summary>
/// <remarks>
/// The fusion is the retrieval package's <see cref="ScoreFusion"/>, with all its methods: weighted reciprocal rank fusion
/// (Cormack, Clarke and Büttcher, 2009; the default here: ranks, not scores, are fused, so cosine similarities and BM25
/// scores never need to be put on one scale), min-max or z-score fusion of the scores. Ties are broken by the record
/// key's invariant string in descending ordinal order, as trec_eval orders a run. The default is not tuned on any data
/// set: choose the method and weights on labelled queries of your own (see the tuning docs).
/// </remarks>
public sealed class HybridFusionOptions
{
    /// <summary>Gets or sets how the lists are combined. Default <see cref="FusionMethod.ReciprocalRank"/>.</summary>
    public FusionMethod Method { get; set; } = FusionMethod.ReciprocalRank;

    /// <summary>Gets or sets the weight of the vector list; finite and ≥ 0. Default 1.</summary>
    [ValueRange(0.0, double.MaxValue, ErrorMessage = "HybridFusionOptions.VectorWeight must be finite and zero or more.")]
    public double VectorWeight { get; set; } = 1;

    /// <summary>Gets or sets the weight of the keyword (BM25) list; finite and ≥ 0. Default 1.</summary>
    [ValueRange(0.0, double.MaxValue, ErrorMessage = "HybridFusionOptions.KeywordWeight must be finite and zero or more.")]
    public double KeywordWeight { get; set; } = 1;

    /// <summary>Gets or sets k of reciprocal rank fusion; larger values flatten the rank discount. Default 60 (the original paper's value).</summary>
    [ValueRange(1, 1_000_000, ErrorMessage = "HybridFusionOptions.RrfK must be between 1 and 1,000,000.")]
    public int RrfK { get; set; } = 60;

    /// <summary>Gets or sets how many candidates each list contributes before fusion (at least top + skip). Default 50.</summary>
    [ValueRange(1, 1_000_000, ErrorMessage = "HybridFusionOptions.CandidatesPerList must be between 1 and 1,000,000.")]
    public int CandidatesPerList { get; set; } = 50;

    internal HybridFusionOptions Validated()
    {
        ValidatedOptions.ThrowIfInvalid(new HybridFusionOptionsValidator(), this);
        if (double.IsNaN(VectorWeight) || double.IsNaN(KeywordWeight) || VectorWeight + KeywordWeight == 0)
        {
            throw new OptionsValidationException(nameof(HybridFusionOptions), typeof(HybridFusionOptions), [$"HybridFusionOptions.VectorWeight ({VectorWeight}) and KeywordWeight ({KeywordWeight}) must be numbers, and not both 0; give at least one list a positive weight."]);
        }

        return new HybridFusionOptions { Method = Method, VectorWeight = VectorWeight, KeywordWeight = KeywordWeight, RrfK = RrfK, CandidatesPerList = CandidatesPerList };
    }
}

/// <summary>Validates <see cref="HybridFusionOptions"/> from its data annotations (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class HybridFusionOptionsValidator : IValidateOptions<HybridFusionOptions>
{
}
