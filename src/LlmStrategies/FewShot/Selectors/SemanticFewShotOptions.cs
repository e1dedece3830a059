using System.ComponentModel.DataAnnotations;

namespace LlmStrategies.FewShot.Selectors;

/// <summary>Settings of <see cref="SemanticFewShotSelector"/> and <see cref="MmrFewShotSelector"/>. Validated by a source-generated validator when a selector is created.</summary>
public sealed class SemanticFewShotOptions
{
    /// <summary>Gets or sets how the chosen examples are ordered. Default most similar last.</summary>
    public FewShotOrder Order { get; set; } = FewShotOrder.MostSimilarLast;

    /// <summary>Gets or sets the text-based leakage guard; <see langword="null"/> for the default.</summary>
    public LeakageGuard? Guard { get; set; }

    /// <summary>Gets or sets the cosine similarity at or above which an example is treated as the input itself (embedding leakage guard). Default 0.97.</summary>
    [ValueRange(0.0, 1.0, MinimumIsExclusive = true, ErrorMessage = "SemanticFewShotOptions.NearDuplicateSimilarity must be a cosine similarity in (0, 1], for example 0.97.")]
    public double NearDuplicateSimilarity { get; set; } = 0.97;

    /// <summary>Gets or sets how many candidates per requested example are fetched before filtering (and for MMR, diversified). Default 4.</summary>
    [ValueRange(1, 1_000, ErrorMessage = "SemanticFewShotOptions.CandidateFactor must be between 1 and 1,000 candidates per requested example.")]
    public int CandidateFactor { get; set; } = 4;

    /// <summary>Gets or sets MMR's relevance weight λ in [0, 1] (1: only relevance, 0: only diversity). Default 0.7. Used by <see cref="MmrFewShotSelector"/>.</summary>
    [ValueRange(0.0, 1.0, ErrorMessage = "SemanticFewShotOptions.Lambda (λ) must be between 0 (only diversity) and 1 (only relevance).")]
    public double Lambda { get; set; } = 0.7;
}
