using System.Globalization;
using LlmStrategies;
using LlmStrategies.Evaluation;
using LlmStrategies.FewShot;
using LlmStrategies.FewShot.Selectors;
using LlmStrategies.FewShot.Store;
using LlmStrategies.FineTuning.EmbeddingAdapters;
using LlmStrategies.Retrieval.Chunking;
using LlmStrategies.Retrieval.Hybrid;
using LlmStrategies.Retrieval.Keyword;
using LlmStrategies.Retrieval.Vector;
using Microsoft.Extensions.AI;

namespace TuningSample;

/// <summary>One chunking of the corpus and the retrievers over it; the tuned fusion is set once it is chosen (on train).</summary>
internal sealed class ChunkedCorpus(string name, IReadOnlyList<TextChunk> chunks, Bm25Index index, VectorRetriever vector, VectorRetriever adapted) : IDisposable
{
    private readonly KeywordRetriever _bm25 = new(index);

    public string Name { get; } = name;

    public IReadOnlyList<TextChunk> Chunks { get; } = chunks;

    public KeywordRetriever Bm25 => _bm25;

    public VectorRetriever Vector { get; } = vector;

    public VectorRetriever AdaptedVector { get; } = adapted;

    /// <summary>The ladder's hand-set hybrid: z-score fusion, equal weights (the library's defaults).</summary>
    public HybridRetriever HybridDefault => new([new WeightedRetriever(_bm25, 1, "bm25"), new WeightedRetriever(Vector, 1, "vector")]);

    /// <summary>The hybrid with the fusion tuned on the train split's relevance judgements (no model calls).</summary>
    public HybridRetriever? HybridTuned { get; set; }

    public void Dispose()
    {
        index.Dispose();
        Vector.Dispose();
        AdaptedVector.Dispose();
    }
}

/// <summary>
/// Everything the ladder's configurations are built from, built once: the corpus under two chunkings with BM25, vector and
/// adapter-tuned vector retrieval, the few-shot pool (train split only) and its four selectors.
/// </summary>
internal sealed class LadderComponents : IDisposable
{
    private LadderComponents(IReadOnlyDictionary<string, ChunkedCorpus> chunkings, IReadOnlyList<FewShotExample> pool, IReadOnlyDictionary<string, IFewShotSelector> selectors, string adapterSummary)
    {
        Chunkings = chunkings;
        Pool = pool;
        Selectors = selectors;
        AdapterSummary = adapterSummary;
    }

    public IReadOnlyDictionary<string, ChunkedCorpus> Chunkings { get; }

    public IReadOnlyList<FewShotExample> Pool { get; }

    public IReadOnlyDictionary<string, IFewShotSelector> Selectors { get; }

    public string AdapterSummary { get; }

    public static async Task<LadderComponents> BuildAsync(EvaluationDataset dataset, DatasetSplits splits, IEmbeddingGenerator<string, Embedding<float>> embeddings, int seed)
    {
        // The embedding adapter of the ladder's fine-tuned rung: trained on train-split (question, paragraph) pairs,
        // early-stopped on dev pairs, never on test.
        var documents = dataset.Corpus.ToDictionary(d => d.Id, d => d.Text, StringComparer.Ordinal);
        var training = await EmbeddingPairSet.CreateAsync(embeddings, RelevancePairs(splits.Train, documents));
        var development = await EmbeddingPairSet.CreateAsync(embeddings, RelevancePairs(splits.Dev, documents));
        var trained = new EmbeddingAdapterTrainer(new EmbeddingAdapterTrainingOptions { Seed = seed }).Train(training, development);
        // Saved and loaded back, as a deployment would (the file itself is not kept: it is rebuilt from the same seed).
        var adapterPath = Path.Combine(Path.GetTempPath(), $"llmstrategies-tuning-adapter-{Environment.ProcessId}.bin");
        trained.Adapter.Save(adapterPath);
        var adapted = new AdaptedEmbeddingGenerator(embeddings, EmbeddingAdapter.Load(adapterPath));
        File.Delete(adapterPath);
        var adapterSummary = string.Create(CultureInfo.InvariantCulture, $"rank {trained.Adapter.Rank}, dev MRR@10 {trained.BaseDevelopmentMrr:F3} → {trained.BestDevelopmentMrr:F3} (epoch {trained.BestEpoch})");

        var chunkings = new Dictionary<string, ChunkedCorpus>(StringComparer.Ordinal);
        foreach (var (name, chunker) in new (string, ITextChunker)[] { ("paragraph", new ParagraphChunker(4_000)), ("sentences-3", new SentenceChunker(3, 1)) })
        {
            var chunks = dataset.Corpus.SelectMany(chunker.Chunk).ToArray();
            var index = new Bm25Index();
            index.AddRange(chunks);
            var vector = new VectorRetriever(embeddings);
            await vector.AddAsync(chunks);
            var adaptedVector = new VectorRetriever(adapted, "vector-adapted");
            await adaptedVector.AddAsync(chunks);
            chunkings[name] = new ChunkedCorpus(name, chunks, index, vector, adaptedVector);
        }

        var pool = FewShotPool(splits.Train);
        var store = ExampleStore.InMemory(pool);
        var selectors = new Dictionary<string, IFewShotSelector>(StringComparer.Ordinal)
        {
            // The ladder's few-shot rung: the first three pool examples, always the same.
            ["fixed"] = new FixedFewShotSelector(pool.Take(3)),
            ["lexical"] = new LexicalFewShotSelector(store),
            ["semantic"] = new SemanticFewShotSelector(store, embeddings),
            ["mmr"] = new MmrFewShotSelector(store, embeddings),
        };
        return new LadderComponents(chunkings, pool, selectors, adapterSummary);
    }

    public void Dispose()
    {
        foreach (var corpus in Chunkings.Values)
        {
            corpus.Dispose();
        }

        foreach (var selector in Selectors.Values)
        {
            (selector as IDisposable)?.Dispose();
        }
    }

    private static List<RelevancePair> RelevancePairs(EvaluationDataset split, Dictionary<string, string> documents) =>
        split.Items
            .SelectMany(item => item.RelevantDocuments.Where(d => d.Value > 0 && documents.ContainsKey(d.Key)).Select(d => new RelevancePair(item.Input, documents[d.Key], d.Key)))
            .ToList();

    /// <summary>The ladder's pool: train questions with their first gold answer, interleaved across articles.</summary>
    private static FewShotExample[] FewShotPool(EvaluationDataset train) =>
        train.Items
            .GroupBy(i => i.Label ?? string.Empty)
            .SelectMany(g => g.Select((item, rank) => (item, rank)))
            .OrderBy(x => x.rank)
            .Select(x => new FewShotExample { Id = x.item.Id, Input = x.item.Input, Output = x.item.ExpectedOutputs.Count > 0 ? x.item.ExpectedOutputs[0] : string.Empty, Label = x.item.Label })
            .ToArray();
}
