using System.ComponentModel.DataAnnotations;
using LlmStrategies.Retrieval.Hybrid;

namespace LlmStrategies.Postgres.Retrieval;

/// <summary>Settings of <see cref="PostgresRetriever"/>.</summary>
public sealed class PostgresRetrieverOptions
{
    /// <summary>Gets or sets which lists the retriever ranks by. Default <see cref="PostgresSearchMode.Hybrid"/>.</summary>
    public PostgresSearchMode Mode { get; set; } = PostgresSearchMode.Hybrid;

    /// <summary>
    /// Gets or sets whether vector search uses the collection's HNSW index (approximate, fast on large collections;
    /// create it with <see cref="PostgresChunkStore.CreateHnswIndexAsync"/>) instead of scanning every row (exact).
    /// Default <see langword="false"/>: exact.
    /// </summary>
    public bool Approximate { get; set; }

    /// <summary>
    /// Gets or sets pgvector's <c>hnsw.ef_search</c> for approximate search: the candidate list size, which bounds
    /// recall and how many rows one search can return. Default 100 (pgvector's own default is 40, which caps a search at 40 rows).
    /// </summary>
    [Range(1, 1_000)]
    public int EfSearch { get; set; } = 100;

    /// <summary>
    /// Gets or sets how the vector and keyword lists are fused in <see cref="PostgresSearchMode.Hybrid"/> mode (by
    /// <see cref="ScoreFusion"/>), with the meaning these options have for <see cref="HybridRetriever"/> (method, reciprocal-rank k, candidates per list,
    /// deduplication key). Tune them, and the weights, on labelled dev queries of your own corpus.
    /// </summary>
    public HybridRetrieverOptions Fusion { get; set; } = new();

    /// <summary>Gets or sets the vector list's weight in the fusion; positive and finite. Default 1.</summary>
    [Range(double.Epsilon, double.MaxValue)]
    public double VectorWeight { get; set; } = 1;

    /// <summary>Gets or sets the keyword list's weight in the fusion; positive and finite. Default 1.</summary>
    [Range(double.Epsilon, double.MaxValue)]
    public double KeywordWeight { get; set; } = 1;

    /// <summary>
    /// Gets or sets the normalisation flags of <c>ts_rank_cd</c>, PostgreSQL's cover-density ranking (a bit mask: 1
    /// divides by 1 + log of the document length, 2 by the length, 4 by the mean harmonic distance between extents...).
    /// Default 0, PostgreSQL's default (no length normalisation).
    /// </summary>
    [Range(0, 63)]
    public int RankNormalization { get; set; }

    /// <summary>Gets or sets the name reported in <see cref="RetrievedChunk.RetrieverName"/>. Default <c>postgres</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Name { get; set; } = "postgres";

    internal PostgresRetrieverOptions Validated()
    {
        ArgumentNullException.ThrowIfNull(Fusion, "PostgresRetrieverOptions.Fusion");
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "PostgresRetrieverOptions.Mode is not a defined value.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(EfSearch, 1, "PostgresRetrieverOptions.EfSearch");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(EfSearch, 1_000, "PostgresRetrieverOptions.EfSearch");
        ArgumentOutOfRangeException.ThrowIfNegative(RankNormalization, "PostgresRetrieverOptions.RankNormalization");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RankNormalization, 63, "PostgresRetrieverOptions.RankNormalization");
        ArgumentException.ThrowIfNullOrWhiteSpace(Name, "PostgresRetrieverOptions.Name");
        foreach (var (weight, name) in new[] { (VectorWeight, nameof(VectorWeight)), (KeywordWeight, nameof(KeywordWeight)) })
        {
            if (!double.IsFinite(weight) || weight <= 0)
            {
                throw new ArgumentOutOfRangeException(name, weight, $"PostgresRetrieverOptions.{name} must be positive and finite; use Mode = Vector or Keyword to leave a list out.");
            }
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Fusion.RrfK, "PostgresRetrieverOptions.Fusion.RrfK");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Fusion.CandidatesPerRetriever, "PostgresRetrieverOptions.Fusion.CandidatesPerRetriever");
        if (!Enum.IsDefined(Fusion.Method) || !Enum.IsDefined(Fusion.DeduplicateBy))
        {
            throw new ArgumentOutOfRangeException(nameof(Fusion), "PostgresRetrieverOptions.Fusion.Method or DeduplicateBy is not a defined value.");
        }
        return new PostgresRetrieverOptions
        {
            Mode = Mode,
            Approximate = Approximate,
            EfSearch = EfSearch,
            Fusion = new HybridRetrieverOptions { Method = Fusion.Method, RrfK = Fusion.RrfK, CandidatesPerRetriever = Fusion.CandidatesPerRetriever, DeduplicateBy = Fusion.DeduplicateBy },
            VectorWeight = VectorWeight,
            KeywordWeight = KeywordWeight,
            RankNormalization = RankNormalization,
            Name = Name,
        };
    }
}
