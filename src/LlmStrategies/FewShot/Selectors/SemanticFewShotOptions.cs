namespace LlmStrategies.FewShot.Selectors;

/// <summary>Settings of <see cref="SemanticFewShotSelector"/> and <see cref="MmrFewShotSelector"/>.</summary>
public sealed class SemanticFewShotOptions
{
    /// <summary>Gets or sets how the chosen examples are ordered. Default most similar last.</summary>
    public FewShotOrder Order { get; set; } = FewShotOrder.MostSimilarLast;

    /// <summary>Gets or sets the text-based leakage guard; <see langword="null"/> for the default.</summary>
    public LeakageGuard? Guard { get; set; }

    /// <summary>Gets or sets the cosine similarity at or above which an example is treated as the input itself (embedding leakage guard). Default 0.97.</summary>
    public double NearDuplicateSimilarity { get; set; } = 0.97;

    /// <summary>Gets or sets how many candidates per requested example are fetched before filtering (and for MMR, diversified). Default 4.</summary>
    public int CandidateFactor { get; set; } = 4;

    /// <summary>Gets or sets MMR's relevance weight λ in [0, 1] (1: only relevance, 0: only diversity). Default 0.7. Used by <see cref="MmrFewShotSelector"/>.</summary>
    public double Lambda { get; set; } = 0.7;

    internal void Validate()
    {
        if (!(NearDuplicateSimilarity is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException("SemanticFewShotOptions.NearDuplicateSimilarity", NearDuplicateSimilarity, "The near-duplicate similarity must be in (0, 1].");
        }

        if (!(Lambda is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException("SemanticFewShotOptions.Lambda", Lambda, "λ must be between 0 (only diversity) and 1 (only relevance).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(CandidateFactor, 1, "SemanticFewShotOptions.CandidateFactor");
    }
}
