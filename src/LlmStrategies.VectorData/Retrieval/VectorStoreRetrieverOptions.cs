using System.ComponentModel.DataAnnotations;
using System.Linq.Expressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;

namespace LlmStrategies.VectorData;

/// <summary>Settings of a <see cref="VectorStoreRetriever{TRecord}"/>. Validated by a source-generated validator when the retriever is created.</summary>
/// <typeparam name="TRecord">The collection's record type.</typeparam>
public sealed class VectorStoreRetrieverOptions<TRecord> : IValidatableObject
{
    /// <summary>Gets or sets the name reported in <see cref="RetrievedChunk.RetrieverName"/> and fingerprints. Default "vectorstore".</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "VectorStoreRetrieverOptions.Name must not be empty; it names the retriever in results and fingerprints.")]
    public string Name { get; set; } = "vectorstore";

    /// <summary>
    /// Gets or sets the generator that embeds queries before they are sent to the collection; <see langword="null"/> (the
    /// default) sends the query text and lets the collection's own embedding generator embed it.
    /// </summary>
    public IEmbeddingGenerator<string, Embedding<float>>? EmbeddingGenerator { get; set; }

    /// <summary>
    /// Gets or sets the number of dimensions the collection's vectors have; when set together with
    /// <see cref="EmbeddingGenerator"/>, a query embedding of another length fails before anything is sent, with both
    /// numbers in the message (a remote store's own error is often less clear). Default <see langword="null"/>: not checked.
    /// </summary>
    [ValueRange(1, int.MaxValue, ErrorMessage = "VectorStoreRetrieverOptions.Dimensions must be at least 1, or null to skip the check.")]
    public int? Dimensions { get; set; }

    /// <summary>
    /// Gets or sets how a request's <see cref="MetadataFilter"/> becomes the collection's filter expression, for example
    /// <see cref="MetadataFilterTranslator{TRecord}.Translate"/>. Without a translator a request with a filter fails
    /// instead of silently returning unfiltered results.
    /// </summary>
    public Func<MetadataFilter, Expression<Func<TRecord, bool>>>? FilterTranslator { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether to search with the collection's keyword hybrid search
    /// (<see cref="IKeywordHybridSearchable{TRecord}"/>) instead of vector search alone. Default <see langword="false"/>.
    /// </summary>
    public bool UseHybridSearch { get; set; }

    /// <summary>
    /// Gets or sets how the keywords of a hybrid search are taken from the query; <see langword="null"/> (the default)
    /// splits it into distinct words (letters and digits) and lets the store's full-text analysis do the rest.
    /// </summary>
    public Func<string, ICollection<string>>? KeywordExtractor { get; set; }

    /// <summary>Gets or sets the vector property to search, when the record has several; <see langword="null"/> for the only one.</summary>
    public Expression<Func<TRecord, object?>>? VectorProperty { get; set; }

    /// <summary>Gets or sets the full-text property of hybrid search, when the record has several; <see langword="null"/> for the only one.</summary>
    public Expression<Func<TRecord, object?>>? FullTextProperty { get; set; }

    /// <summary>Gets or sets the collection's score threshold (in the collection's own scale), or <see langword="null"/> for none.</summary>
    public double? ScoreThreshold { get; set; }

    /// <summary>Gets or sets which way the collection's scores point. Default <see cref="VectorStoreScoreOrder.HigherIsBetter"/>.</summary>
    public VectorStoreScoreOrder ScoreOrder { get; set; } = VectorStoreScoreOrder.HigherIsBetter;

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(ScoreOrder))
        {
            yield return new ValidationResult($"VectorStoreRetrieverOptions.ScoreOrder '{ScoreOrder}' is not a score order; use HigherIsBetter or LowerIsBetter.", [nameof(ScoreOrder)]);
        }

        if (ScoreThreshold is { } threshold && !double.IsFinite(threshold))
        {
            yield return new ValidationResult($"VectorStoreRetrieverOptions.ScoreThreshold must be a finite number, or null for none; it is {threshold}.", [nameof(ScoreThreshold)]);
        }
    }
}
