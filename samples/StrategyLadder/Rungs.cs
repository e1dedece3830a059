using LlmStrategies;
using LlmStrategies.FewShot;
using LlmStrategies.Pipeline;
using LlmStrategies.Retrieval.Hybrid;

namespace StrategyLadder;

/// <summary>What a rung can use: the few-shot pool and the retrievers built over the corpus (null when unavailable).</summary>
internal sealed record LadderComponents(IReadOnlyList<FewShotExample> FewShotPool, IRetriever Bm25, IRetriever? Vector, IRetriever? AdaptedVector);

/// <summary>What a rung needs beyond BM25 and the few-shot pool.</summary>
internal enum RungNeeds
{
    Nothing,
    Embeddings,
    FineTunedAdapter,
}

/// <summary>One rung of the ladder: a name, what it adds, and how it configures a pipeline. Adding a rung is one entry in <see cref="Rungs.All"/>.</summary>
internal sealed record Rung(string Name, string Adds, RungNeeds Needs, Action<StrategyPipelineBuilder, LadderComponents> Configure, string? UntunedBase = null)
{
    /// <summary>Gets whether the rung is the fine-tuned one the advisor weighs against the others.</summary>
    public bool IsFineTuned => Needs == RungNeeds.FineTunedAdapter;
}

internal static class Rungs
{
    private const int Examples = 3;
    private const int Top = 3;

    public static readonly IReadOnlyList<Rung> All =
    [
        new("prompt-only", "instructions and the question", RungNeeds.Nothing, (_, _) => { }),
        new("few-shot", $"{Examples} fixed worked examples from the train split", RungNeeds.Nothing, (b, c) => b.UseFewShot(new FixedFewShotSelector(c.FewShotPool.Take(Examples)), Examples)),
        new("rag-bm25", $"top {Top} documents by BM25", RungNeeds.Nothing, (b, c) => b.UseRetrievalAugmentation(c.Bm25, Top)),
        new("rag-vector", $"top {Top} documents by embedding cosine (exact SIMD index)", RungNeeds.Embeddings, (b, c) => b.UseRetrievalAugmentation(c.Vector!, Top)),
        new("rag-hybrid", $"top {Top} by z-score fusion of BM25 and vector scores", RungNeeds.Embeddings, (b, c) => b.UseRetrievalAugmentation(Hybrid(c), Top)),
        new("few-shot+rag-bm25", $"{Examples} examples and the top {Top} BM25 documents", RungNeeds.Nothing, (b, c) => b.UseFewShot(new FixedFewShotSelector(c.FewShotPool.Take(Examples)), Examples).UseRetrievalAugmentation(c.Bm25, Top)),
        new("rag-vector-adapted", $"top {Top} by embeddings with an adapter fine-tuned on the train split", RungNeeds.FineTunedAdapter, (b, c) => b.UseRetrievalAugmentation(c.AdaptedVector!, Top), UntunedBase: "rag-vector"),
    ];

    private static HybridRetriever Hybrid(LadderComponents c) =>
        new([new WeightedRetriever(c.Bm25, 1, "bm25"), new WeightedRetriever(c.Vector!, 1, "vector")]);
}
