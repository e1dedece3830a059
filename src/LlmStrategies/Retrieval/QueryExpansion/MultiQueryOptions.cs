namespace LlmStrategies.Retrieval.QueryExpansion;

/// <summary>Settings of <see cref="MultiQueryRetriever"/>.</summary>
public sealed class MultiQueryOptions
{
    /// <summary>Gets or sets how many paraphrases to ask for (the original query is always searched too). Default 3.</summary>
    public int Paraphrases { get; set; } = 3;

    /// <summary>Gets or sets the output-token cap of the one paraphrasing call per query. Default 200.</summary>
    public int MaxOutputTokens { get; set; } = 200;

    /// <summary>Gets or sets k of the reciprocal rank fusion of the per-query lists. Default 60.</summary>
    public int RrfK { get; set; } = 60;
}
