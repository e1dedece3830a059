namespace LlmStrategies.FewShot;

/// <summary>How selected examples are ordered in the prompt.</summary>
public enum FewShotOrder
{
    /// <summary>The most similar example last, closest to the question (models weight recent context most). The default.</summary>
    MostSimilarLast,

    /// <summary>The most similar example first.</summary>
    MostSimilarFirst,
}
