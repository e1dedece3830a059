using System.Runtime.CompilerServices;
using Microsoft.Extensions.VectorData;

namespace LlmStrategies.VectorData.Tests.TestDoubles;

/// <summary>
/// A hand-written stand-in for a remote connector: records every call and answers with whatever the test's callback
/// returns, so the retriever's translation of requests can be checked exactly.
/// </summary>
internal sealed class TestSearchableCollection<TRecord> : IVectorSearchable<TRecord>, IKeywordHybridSearchable<TRecord>
    where TRecord : class
{
    public List<(object Input, int Top, VectorSearchOptions<TRecord>? Options)> Searches { get; } = [];

    public List<(object Input, ICollection<string> Keywords, int Top, HybridSearchOptions<TRecord>? Options)> HybridSearches { get; } = [];

    public Func<IReadOnlyList<VectorSearchResult<TRecord>>> Results { get; set; } = () => [];

    public async IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        Searches.Add((searchValue, top, options));
        foreach (var result in Results())
        {
            await Task.Yield();
            yield return result;
        }
    }

    public async IAsyncEnumerable<VectorSearchResult<TRecord>> HybridSearchAsync<TInput>(TInput searchValue, ICollection<string> keywords, int top, HybridSearchOptions<TRecord>? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TInput : notnull
    {
        HybridSearches.Add((searchValue, keywords, top, options));
        foreach (var result in Results())
        {
            await Task.Yield();
            yield return result;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(VectorStoreCollectionMetadata) ? new VectorStoreCollectionMetadata { VectorStoreSystemName = "test", CollectionName = "fake" } : null;
}

/// <summary>A searchable that offers vector search only, like a connector without hybrid search.</summary>
internal sealed class VectorOnlyCollection<TRecord> : IVectorSearchable<TRecord>
    where TRecord : class
{
    public IAsyncEnumerable<VectorSearchResult<TRecord>> SearchAsync<TInput>(TInput searchValue, int top, VectorSearchOptions<TRecord>? options = null, CancellationToken cancellationToken = default)
        where TInput : notnull => AsyncEnumerable.Empty<VectorSearchResult<TRecord>>();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;
}
