using LlmStrategies.Retrieval.Hybrid;
using System.Globalization;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace LlmStrategies.VectorData;

public sealed partial class InMemoryHybridCollection<TKey, TRecord>
{
    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The search vector's length is not the property's dimensions, or a string search value is empty.</exception>
    /// <exception cref="NotSupportedException">The search value is not a vector and no embedding generator is configured,
    /// the filter uses an unsupported construct, or <c>IncludeVectors</c> is set for generated vectors.</exception>
    public override async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(
        TInput searchValue,
        int top,
        VectorSearchOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        options ??= new VectorSearchOptions<TRecord>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, "options.Skip");
        var includeVectors = CheckIncludeVectors(options.IncludeVectors);
        var vectorProperty = _model.GetVectorPropertyOrSingle(options);
        var filter = FilterCompiler.Compile(options.Filter, _model);
        var storage = Storage("Search");
        var query = await QueryVectorAsync(searchValue, vectorProperty, cancellationToken).ConfigureAwait(false);

        var p = IndexOf(vectorProperty);
        var scoring = VectorScoring.For(vectorProperty);
        var candidates = VectorCandidates(storage, p, query, filter, top + options.Skip);
        foreach (var (row, indexScore) in candidates.Skip(options.Skip))
        {
            var score = scoring.Convert(indexScore);
            if (!scoring.Passes(score, options.ScoreThreshold))
            {
                // Candidates come best first, so every later one fails the threshold too.
                yield break;
            }

            yield return new VectorSearchResult<TRecord>(Materialize(row, includeVectors), score);
        }
    }

    /// <summary>
    /// Searches with a vector (or text embedded by the property's generator) and keywords at once: the vector index and the
    /// BM25 index of the full-text property each return their best candidates under the same filter, and the lists are
    /// fused by weighted reciprocal rank (<see cref="HybridFusionOptions"/>). The result's score is the fused score.
    /// </summary>
    /// <typeparam name="TInput">The search value's type: a vector, or what the vector property's embedding generator accepts.</typeparam>
    /// <param name="searchValue">The vector, or text to embed.</param>
    /// <param name="keywords">The keywords for BM25; at least one non-blank.</param>
    /// <param name="top">How many results at most.</param>
    /// <param name="options">Filter, vector and full-text property selection, skip, score threshold (on the fused score), vectors.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The results, best first.</returns>
    /// <exception cref="ArgumentException">No keyword has text, or the search vector has the wrong length.</exception>
    /// <exception cref="InvalidOperationException">The record has no full-text property (mark a string data property
    /// <c>IsFullTextIndexed</c>), or several and <see cref="HybridSearchOptions{TRecord}.AdditionalProperty"/> does not choose one.</exception>
    public async IAsyncEnumerable<VectorSearchResult<TRecord>> HybridSearchAsync<TInput>(
        TInput searchValue,
        ICollection<string> keywords,
        int top,
        HybridSearchOptions<TRecord>? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        ArgumentNullException.ThrowIfNull(searchValue);
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        options ??= new HybridSearchOptions<TRecord>();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Skip, "options.Skip");
        var keywordQuery = string.Join(' ', keywords.Where(k => !string.IsNullOrWhiteSpace(k)));
        if (keywordQuery.Length == 0)
        {
            throw new ArgumentException("The keywords are empty or blank; pass at least one keyword for the full-text search (or use SearchAsync for vector search alone).", nameof(keywords));
        }

        var includeVectors = CheckIncludeVectors(options.IncludeVectors);
        var vectorProperty = _model.GetVectorPropertyOrSingle(new VectorSearchOptions<TRecord> { VectorProperty = options.VectorProperty });
        var fullTextProperty = FullTextPropertyOf(options.AdditionalProperty);
        var filter = FilterCompiler.Compile(options.Filter, _model);
        var storage = Storage("HybridSearch");
        var query = await QueryVectorAsync(searchValue, vectorProperty, cancellationToken).ConfigureAwait(false);

        var depth = Math.Max(top + options.Skip, _fusion.CandidatesPerList);
        var vectorList = VectorCandidates(storage, IndexOf(vectorProperty), query, filter, depth).Select(c => Candidate(c.Row, c.Score)).ToArray();
        var keywordList = KeywordCandidates(storage, Array.IndexOf(_fullTextProperties, fullTextProperty), keywordQuery, filter, depth).Select(c => Candidate(c.Row, c.Score)).ToArray();
        var fused = ScoreFusion.Fuse([vectorList, keywordList], [_fusion.VectorWeight, _fusion.KeywordWeight], _fusion.Method, _fusion.RrfK, options.Skip + top);
        foreach (var (row, _, score) in fused.Skip(options.Skip))
        {
            if (options.ScoreThreshold is { } threshold && score < threshold)
            {
                yield break;
            }

            yield return new VectorSearchResult<TRecord>(Materialize(row, includeVectors), score);
        }
    }

    private static async ValueTask<ReadOnlyMemory<float>> QueryVectorAsync<TInput>(TInput searchValue, VectorPropertyModel property, CancellationToken cancellationToken)
    {
        var vector = searchValue switch
        {
            ReadOnlyMemory<float> memory => memory,
            float[] array => array,
            Embedding<float> embedding => embedding.Vector,
            string text when string.IsNullOrWhiteSpace(text) => throw new ArgumentException("The search text is empty or white space; pass the text to search for.", nameof(searchValue)),
            _ when property.EmbeddingGenerationDispatcher is not null
                => ((Embedding<float>)await property.GenerateEmbeddingAsync(searchValue, cancellationToken).ConfigureAwait(false)).Vector,
            _ => throw new NotSupportedException(VectorDataStrings.InvalidSearchInputAndNoEmbeddingGeneratorWasConfigured(searchValue!.GetType(), HybridModelBuilder.SupportedVectorTypes)),
        };

        if (vector.Length != property.Dimensions)
        {
            throw new ArgumentException($"The search vector has {vector.Length} dimensions but vector property '{property.ModelName}' has {property.Dimensions}. Embed queries with the model the records were embedded with.", nameof(searchValue));
        }

        return vector;
    }

    private static List<(StoredRecord<TKey> Row, float Score)> VectorCandidates(CollectionStorage<TKey> storage, int vectorProperty, ReadOnlyMemory<float> query, RecordFilter filter, int wanted)
    {
        var index = storage.VectorIndex(vectorProperty);
        var count = index.Count;
        var found = new List<(StoredRecord<TKey>, float)>(Math.Min(wanted, Math.Max(count, 1)));
        if (count == 0 || filter.MatchesNothing)
        {
            return found;
        }

        // Conditions the index cannot evaluate (several allowed values) are checked on over-fetched candidates.
        var fetch = Math.Min(count, filter.NeedsPostFilter ? wanted * 4 : wanted);
        while (true)
        {
            found.Clear();
            var hits = index.Search(query.Span, fetch, filter.IndexFilter);
            foreach (var hit in hits)
            {
                if (storage.Row(hit.Key) is { } row && (!filter.NeedsPostFilter || filter.Matches(row.Metadata)))
                {
                    found.Add((row, hit.Score));
                    if (found.Count == wanted)
                    {
                        return found;
                    }
                }
            }

            if (hits.Length < fetch || fetch >= count)
            {
                return found;
            }

            fetch = (int)Math.Min(count, fetch * 4L);
        }
    }

    private static List<(StoredRecord<TKey> Row, double Score)> KeywordCandidates(CollectionStorage<TKey> storage, int fullTextProperty, string query, RecordFilter filter, int wanted)
    {
        if (storage.Count == 0 || filter.MatchesNothing)
        {
            return [];
        }

        var hits = storage.KeywordIndex(fullTextProperty).Search(query, wanted, filter.KeywordFilter);
        var rows = new List<(StoredRecord<TKey>, double)>(hits.Count);
        foreach (var hit in hits)
        {
            if (storage.Row(CollectionStorage<TKey>.RowIdOf(hit.Chunk.Id)) is { } row)
            {
                rows.Add((row, hit.Score));
            }
        }

        return rows;
    }

    /// <summary>A row as the fusion sees it: keyed (and tie-broken) by the record key's invariant text.</summary>
    private static FusionCandidate<StoredRecord<TKey>> Candidate(StoredRecord<TKey> row, double score) =>
        new(row, Convert.ToString(row.Key, CultureInfo.InvariantCulture) ?? string.Empty, score);

    private int IndexOf(VectorPropertyModel property)
    {
        for (var i = 0; i < _model.VectorProperties.Count; i++)
        {
            if (ReferenceEquals(_model.VectorProperties[i], property))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"Property '{property.ModelName}' is not a vector property of the collection.");
    }

    private DataPropertyModel FullTextPropertyOf(Expression<Func<TRecord, object?>>? selector)
    {
        if (_fullTextProperties.Length == 0)
        {
            throw new InvalidOperationException($"Collection '{Name}' has no full-text property, so it cannot run a keyword hybrid search. Mark a string data property [VectorStoreData(IsFullTextIndexed = true)] (or IsFullTextIndexed = true in the record definition).");
        }

        return _model.GetFullTextDataPropertyOrSingle(selector);
    }
}
