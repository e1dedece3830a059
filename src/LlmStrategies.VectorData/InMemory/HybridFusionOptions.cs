namespace LlmStrategies.VectorData;

/// <summary>How <see cref="InMemoryHybridCollection{TKey, TRecord}.HybridSearchAsync{TInput}"/> fuses the vector and keyword result lists.</summary>
/// <remarks>
/// Weighted reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009): a record's score is
/// <c>VectorWeight / (RrfK + vector rank) + KeywordWeight / (RrfK + keyword rank)</c>, ranks counted from 1, a list
/// that did not return the record contributing nothing. Ranks, not scores, are fused, so cosine similarities and BM25
/// scores never need to be put on one scale.
/// </remarks>
public sealed class HybridFusionOptions
{
    /// <summary>Gets or sets the weight of the vector list; finite and ≥ 0. Default 1.</summary>
    public double VectorWeight { get; set; } = 1;

    /// <summary>Gets or sets the weight of the keyword (BM25) list; finite and ≥ 0. Default 1.</summary>
    public double KeywordWeight { get; set; } = 1;

    /// <summary>Gets or sets k of reciprocal rank fusion; larger values flatten the rank discount. Default 60 (the original paper's value).</summary>
    public int RrfK { get; set; } = 60;

    /// <summary>Gets or sets how many candidates each list contributes before fusion (at least top + skip). Default 50.</summary>
    public int CandidatesPerList { get; set; } = 50;

    internal HybridFusionOptions Validated()
    {
        if (!double.IsFinite(VectorWeight) || VectorWeight < 0 || !double.IsFinite(KeywordWeight) || KeywordWeight < 0 || VectorWeight + KeywordWeight == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(VectorWeight), $"HybridFusionOptions.VectorWeight ({VectorWeight}) and KeywordWeight ({KeywordWeight}) must be finite and ≥ 0, and not both 0.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(RrfK, "HybridFusionOptions.RrfK");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(CandidatesPerList, "HybridFusionOptions.CandidatesPerList");
        return new HybridFusionOptions { VectorWeight = VectorWeight, KeywordWeight = KeywordWeight, RrfK = RrfK, CandidatesPerList = CandidatesPerList };
    }
}
