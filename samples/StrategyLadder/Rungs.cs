using LlmStrategies;
using LlmStrategies.FewShot;
using LlmStrategies.Pipeline;
using LlmStrategies.Retrieval.Hybrid;

namespace StrategyLadder;

/// <summary>What a rung can use: the model, the few-shot pool and the retrievers built over the corpus.</summary>
internal sealed record LadderComponents(IReadOnlyList<FewShotExample> FewShotPool, IRetriever Bm25, IRetriever? Vector);

/// <summary>One rung of the ladder: a name, what it adds, and how it configures a pipeline. Adding a rung is one entry in <see cref="Rungs.All"/>.</summary>
internal sealed record Rung(string Name, string Adds, bool NeedsEmbeddings, Action<StrategyPipelineBuilder, LadderComponents> Configure);

internal static class Rungs
{
    private const int Examples = 3;
    private const int Top = 3;

    public static readonly IReadOnlyList<Rung> All =
    [
        new("prompt-only", "instructions and the question", false, (_, _) => { }),
        new("few-shot", $"{Examples} fixed worked examples from the train split", false, (b, c) => b.UseFewShot(new FixedFewShotSelector(c.FewShotPool.Take(Examples)), Examples)),
        new("rag-bm25", $"top {Top} documents by BM25", false, (b, c) => b.UseRetrievalAugmentation(c.Bm25, Top)),
        new("rag-vector", $"top {Top} documents by embedding cosine (exact)", true, (b, c) => b.UseRetrievalAugmentation(c.Vector!, Top)),
        new("rag-hybrid", $"top {Top} by reciprocal-rank fusion of BM25 and vectors", true, (b, c) => b.UseRetrievalAugmentation(Hybrid(c), Top)),
        new("few-shot+rag-bm25", $"{Examples} examples and the top {Top} BM25 documents", false, (b, c) => b.UseFewShot(new FixedFewShotSelector(c.FewShotPool.Take(Examples)), Examples).UseRetrievalAugmentation(c.Bm25, Top)),
    ];

    private static HybridRetriever Hybrid(LadderComponents c) =>
        new([new WeightedRetriever(c.Bm25, 1, "bm25"), new WeightedRetriever(c.Vector!, 1, "vector")], new HybridRetrieverOptions { Method = FusionMethod.ReciprocalRank });
}
