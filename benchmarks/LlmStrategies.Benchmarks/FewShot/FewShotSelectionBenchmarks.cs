using System.Globalization;
using BenchmarkDotNet.Attributes;
using LlmStrategies.Embeddings.Local;
using LlmStrategies.FewShot.Selectors;
using LlmStrategies.FewShot.Store;
using LlmStrategies.Retrieval.Reranking;
using LlmStrategies.VectorSearch;

namespace LlmStrategies.Benchmarks.FewShot;

/// <summary>
/// Few-shot selection from a store of 10,000 examples, k = 5: semantic (nearest by the local embedding model, exact
/// SIMD index) and MMR (λ 0.7 over 28 candidates), end to end including the embedding of the input; and the scoring
/// loops alone (index search into a caller buffer; MMR over fetched candidates), which allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class FewShotSelectionBenchmarks
{
    private const int Examples = 10_000;
    private static readonly string[] Topics = ["warranty", "returns", "shipping", "firmware", "password", "billing", "mesh", "signal", "router", "app"];
    private static readonly string[] Forms = ["How do I {0} my {1}?", "What is the {1} policy for {0}?", "Can you explain {0} with the {1}?", "Why does {1} {0} fail?", "Where can I find {0} for {1}?"];

    private ExampleStore _store = null!;
    private LocalEmbeddingGenerator _embeddings = null!;
    private SemanticFewShotSelector _semantic = null!;
    private MmrFewShotSelector _mmr = null!;
    private FlatVectorIndex<string> _index = null!;
    private float[] _query = null!;
    private VectorSearchResult<string>[] _hits = null!;
    private float[] _rows = null!;
    private float[] _relevance = null!;
    private float[] _redundancy = null!;
    private int[] _selected = null!;
    private float[] _scores = null!;
    private int _turn;

    [GlobalSetup]
    public async Task Setup()
    {
        var random = new Random(7);
        var examples = Enumerable.Range(0, Examples).Select(i => new FewShotExample
        {
            Id = i.ToString(CultureInfo.InvariantCulture),
            Input = string.Format(CultureInfo.InvariantCulture, Forms[random.Next(Forms.Length)], Topics[random.Next(Topics.Length)], Topics[random.Next(Topics.Length)]) + $" (case {i})",
            Output = "answer " + i,
        }).ToList();
        _store = ExampleStore.InMemory(examples);
        _embeddings = new LocalEmbeddingGenerator(new LocalEmbeddingOptions { ModelDirectory = BenchmarkModel.Directory() });
        _semantic = new SemanticFewShotSelector(_store, _embeddings);
        _mmr = new MmrFewShotSelector(_store, _embeddings);

        // Warm both selectors (they embed the store once) and build the bare index for the scoring-loop benchmarks.
        await _semantic.SelectAsync(new FewShotRequest("warm up", 5));
        await _mmr.SelectAsync(new FewShotRequest("warm up", 5));
        var vectors = await _embeddings.GenerateAsync(examples.Select(e => e.Input));
        _index = new FlatVectorIndex<string>(vectors[0].Vector.Length, VectorMetric.Cosine, StringComparer.Ordinal);
        _index.AddRange(examples.Select((e, i) => new VectorEntry<string>(e.Id, vectors[i].Vector)));
        _query = (await _embeddings.GenerateAsync(["How long is the warranty on my router?"]))[0].Vector.ToArray();
        _hits = new VectorSearchResult<string>[28];
        _rows = new float[28 * _index.Dimension];
        _relevance = new float[28];
        _redundancy = new float[28];
        _selected = new int[5];
        _scores = new float[5];
        var found = _index.SearchInto(_query, _hits);
        for (var i = 0; i < found; i++)
        {
            _index.TryGetVector(_hits[i].Key, _rows.AsSpan(i * _index.Dimension, _index.Dimension));
            _relevance[i] = _hits[i].Score;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _semantic.Dispose();
        _mmr.Dispose();
        _index.Dispose();
        _embeddings.Dispose();
        _store.Dispose();
    }

    [Benchmark]
    public Task<IReadOnlyList<FewShotExample>> Semantic_EndToEnd() =>
        _semantic.SelectAsync(new FewShotRequest(Question(), 5)).AsTask();

    [Benchmark]
    public Task<IReadOnlyList<FewShotExample>> Mmr_EndToEnd() =>
        _mmr.SelectAsync(new FewShotRequest(Question(), 5)).AsTask();

    [Benchmark]
    public int ScoringLoop_IndexSearch10k() => _index.SearchInto(_query, _hits);

    [Benchmark]
    public int ScoringLoop_Mmr28Candidates() =>
        MaximalMarginalRelevance.Select(_rows, _index.Dimension, _relevance, 0.7, _selected, _scores, _redundancy);

    // Varied inputs, so that no cache can answer; a fixed cycle keeps runs comparable.
    private string Question() => Topics[_turn++ % Topics.Length] switch
    {
        var topic => $"I have a question about the {topic} of my device, what should I do?",
    };
}
