using System.ComponentModel.DataAnnotations;

namespace LlmStrategies.Retrieval.QueryExpansion;

/// <summary>Settings of <see cref="MultiQueryRetriever"/>. Validated by a source-generated validator when the retriever is created.</summary>
public sealed class MultiQueryOptions
{
    /// <summary>Gets or sets how many paraphrases to ask for (the original query is always searched too). Default 3.</summary>
    [ValueRange(1, 20, ErrorMessage = "MultiQueryOptions.Paraphrases must be between 1 and 20.")]
    public int Paraphrases { get; set; } = 3;

    /// <summary>Gets or sets the output-token cap of the one paraphrasing call per query. Default 200.</summary>
    [ValueRange(1, 100_000, ErrorMessage = "MultiQueryOptions.MaxOutputTokens must be between 1 and 100,000 tokens.")]
    public int MaxOutputTokens { get; set; } = 200;

    /// <summary>Gets or sets k of the reciprocal rank fusion of the per-query lists. Default 60.</summary>
    [ValueRange(1, 1_000_000, ErrorMessage = "MultiQueryOptions.RrfK must be between 1 and 1,000,000 (60 is the usual value).")]
    public int RrfK { get; set; } = 60;
}
