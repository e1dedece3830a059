using LlmStrategies;
using LlmStrategies.Pipeline;
using LlmStrategies.Tuning;

namespace TuningSample;

/// <summary>
/// The strategy ladder as a search space: which rung, and the settings the hand-set ladder (samples/StrategyLadder,
/// Rungs.cs) fixes by hand: retrieval top-k, chunking, hybrid fusion, few-shot selector and count.
/// </summary>
internal static class LadderSpace
{
    /// <summary>
    /// The first successive-halving round of the ladder search: 90 dev items, about a tenth of dev. A first run with 30
    /// items dropped, on dev, a configuration that a full grid ranks first (the halving benchmark shows how often that
    /// happens at each setting), so the ladder uses the safer one.
    /// </summary>
    public const int SearchInitialItems = 90;

    public static readonly string[] Rungs = ["prompt-only", "few-shot", "rag-bm25", "rag-vector", "rag-hybrid", "few-shot+rag-bm25", "rag-vector-adapted"];

    public static SearchSpace Create() => new SearchSpace()
        .Add("rung", Rungs)
        .Add("retrieval.top", 1, 2, 3, 5, 8)
        .Add("chunking", "paragraph", "sentences-3")
        .Add("hybrid.fusion", "default", "tuned-on-train")
        .Add("few-shot.selector", "fixed", "lexical", "semantic", "mmr")
        .Add("few-shot.k", 1, 3);

    /// <summary>A rung as samples/StrategyLadder/Rungs.cs sets it: top 3 paragraphs, z-score fusion with equal weights, the first 3 pool examples.</summary>
    public static SearchPoint HandSet(SearchSpace space, string rung) =>
        space.Point(("rung", rung), ("retrieval.top", 3), ("chunking", "paragraph"), ("hybrid.fusion", "default"), ("few-shot.selector", "fixed"), ("few-shot.k", 3));

    /// <summary>Configures a pipeline for a point; settings a rung does not use are ignored (those points build the same strategy and are scored once).</summary>
    public static void Configure(StrategyPipelineBuilder builder, SearchPoint point, LadderComponents components)
    {
        var rung = point.GetString("rung");
        var corpus = components.Chunkings[point.GetString("chunking")];
        var top = point.GetInt32("retrieval.top");
        if (rung is "few-shot" or "few-shot+rag-bm25")
        {
            builder.UseFewShot(components.Selectors[point.GetString("few-shot.selector")], point.GetInt32("few-shot.k"));
        }

        IRetriever? retriever = rung switch
        {
            "rag-bm25" or "few-shot+rag-bm25" => corpus.Bm25,
            "rag-vector" => corpus.Vector,
            "rag-vector-adapted" => corpus.AdaptedVector,
            "rag-hybrid" => point.GetString("hybrid.fusion") == "default"
                ? corpus.HybridDefault
                : corpus.HybridTuned ?? throw new InvalidOperationException("Tune the fusion (on train) before building the tuned hybrid rung."),
            _ => null,
        };
        if (retriever is not null)
        {
            builder.UseRetrievalAugmentation(retriever, top);
        }
    }
}
