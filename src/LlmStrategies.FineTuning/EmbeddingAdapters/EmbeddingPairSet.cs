using Microsoft.Extensions.AI;

namespace LlmStrategies.FineTuning.EmbeddingAdapters;

/// <summary>
/// (query, relevant passage) pairs as embeddings: a matrix of query vectors, a matrix of distinct passage vectors and,
/// for each query, the index of its passage. Embedding each distinct text once and keeping the vectors in memory is
/// what makes adapter training cheap: the base model never runs during training.
/// </summary>
public sealed class EmbeddingPairSet
{
    private readonly float[] _queries;
    private readonly float[] _passages;
    private readonly int[] _positives;

    /// <summary>Creates a set from vectors.</summary>
    /// <param name="dimensions">The embedding length.</param>
    /// <param name="queries">The query vectors, row after row (queries × dimensions floats).</param>
    /// <param name="passages">The distinct passage vectors, row after row (passages × dimensions floats).</param>
    /// <param name="positives">For each query, the 0-based index of its relevant passage.</param>
    /// <param name="modelId">The model the vectors come from, or <see langword="null"/> when unknown.</param>
    /// <exception cref="ArgumentException">The shapes do not agree; the message says how.</exception>
    public EmbeddingPairSet(int dimensions, float[] queries, float[] passages, int[] positives, string? modelId = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(passages);
        ArgumentNullException.ThrowIfNull(positives);
        if (queries.Length % dimensions != 0 || passages.Length % dimensions != 0)
        {
            throw new ArgumentException($"The query ({queries.Length}) and passage ({passages.Length}) arrays must hold whole rows of {dimensions} floats.", nameof(queries));
        }

        if (positives.Length != queries.Length / dimensions)
        {
            throw new ArgumentException($"There are {queries.Length / dimensions} queries but {positives.Length} positives; give one passage index per query.", nameof(positives));
        }

        var passageCount = passages.Length / dimensions;
        for (var i = 0; i < positives.Length; i++)
        {
            if ((uint)positives[i] >= (uint)passageCount)
            {
                throw new ArgumentException($"Query {i}'s positive is passage {positives[i]}, but there are {passageCount} passages.", nameof(positives));
            }
        }

        Dimensions = dimensions;
        _queries = queries;
        _passages = passages;
        _positives = positives;
        ModelId = modelId;
    }

    /// <summary>Gets the embedding length.</summary>
    public int Dimensions { get; }

    /// <summary>Gets the number of queries (pairs).</summary>
    public int QueryCount => _positives.Length;

    /// <summary>Gets the number of distinct passages.</summary>
    public int PassageCount => _passages.Length / Dimensions;

    /// <summary>Gets the model the vectors come from, or <see langword="null"/> when unknown.</summary>
    public string? ModelId { get; }

    /// <summary>Embeds each distinct query and passage once with <paramref name="generator"/> and builds the set.</summary>
    /// <param name="generator">The base embedding model (the one the adapter will wrap).</param>
    /// <param name="pairs">The pairs; passages are told apart by <see cref="RelevancePair.PassageId"/> or, without one, by text.</param>
    /// <param name="cancellationToken">Cancels the embedding.</param>
    /// <returns>The set.</returns>
    /// <exception cref="ArgumentException">There are no pairs, or one has an empty query or passage.</exception>
    public static async Task<EmbeddingPairSet> CreateAsync(IEmbeddingGenerator<string, Embedding<float>> generator, IEnumerable<RelevancePair> pairs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(pairs);
        var list = pairs.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("An adapter needs at least one (query, passage) pair.", nameof(pairs));
        }

        var passageIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var passageTexts = new List<string>();
        var positives = new int[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            var pair = list[i];
            if (pair is null || string.IsNullOrWhiteSpace(pair.Query) || string.IsNullOrWhiteSpace(pair.Passage))
            {
                throw new ArgumentException($"Pair {i} has no query or no passage; every pair needs both texts.", nameof(pairs));
            }

            var key = pair.PassageId ?? pair.Passage;
            if (!passageIndex.TryGetValue(key, out var index))
            {
                passageIndex[key] = index = passageTexts.Count;
                passageTexts.Add(pair.Passage);
            }

            positives[i] = index;
        }

        var (queries, dimensions, modelId) = await EmbedAsync(generator, list.Select(p => p.Query).ToList(), null, cancellationToken).ConfigureAwait(false);
        var (passages, _, _) = await EmbedAsync(generator, passageTexts, dimensions, cancellationToken).ConfigureAwait(false);
        return new EmbeddingPairSet(dimensions, queries, passages, positives, modelId);
    }

    internal ReadOnlySpan<float> Query(int index) => _queries.AsSpan(index * Dimensions, Dimensions);

    internal ReadOnlySpan<float> Passage(int index) => _passages.AsSpan(index * Dimensions, Dimensions);

    internal int PositiveOf(int query) => _positives[query];

    internal ReadOnlySpan<float> AllPassages => _passages;

    internal ReadOnlySpan<float> AllQueries => _queries;

    private static async Task<(float[] Vectors, int Dimensions, string? ModelId)> EmbedAsync(
        IEmbeddingGenerator<string, Embedding<float>> generator, List<string> texts, int? expected, CancellationToken cancellationToken)
    {
        var embeddings = await generator.GenerateAsync(texts, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (embeddings.Count != texts.Count)
        {
            throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} embeddings for {texts.Count} texts.");
        }

        var dimensions = expected ?? embeddings[0].Vector.Length;
        var vectors = new float[texts.Count * dimensions];
        for (var i = 0; i < embeddings.Count; i++)
        {
            var vector = embeddings[i].Vector.Span;
            if (vector.Length != dimensions)
            {
                throw new InvalidOperationException($"The embedding generator returned {vector.Length} dimensions for text {i} and {dimensions} for others; an adapter needs one fixed length.");
            }

            vector.CopyTo(vectors.AsSpan(i * dimensions));
        }

        return (vectors, dimensions, embeddings[0].ModelId);
    }
}
