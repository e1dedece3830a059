using LlmStrategies.Resilience;
using LlmStrategies.Monitoring;
using LlmStrategies.Pipeline;
using LlmStrategies.Retrieval;
using LlmStrategies.Validation;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Benchmarks.Pipeline;

/// <summary>The pipeline configurations whose own overhead is measured, all over <see cref="InstantChatClient"/>.</summary>
internal static class PipelineVariants
{
    public static readonly StrategyRequest Request = new("How long is the warranty on the router?");

    private static readonly FixedContextRetriever Retriever = new(
    [
        new RetrievedChunk { ChunkId = "1", SourceId = "manual", Text = "The warranty lasts two years. Claims are filed online." },
        new RetrievedChunk { ChunkId = "2", SourceId = "faq", Text = "Support is open on weekdays from 8 to 18." },
    ]);

    public static StrategyPipeline Minimal(IChatClient model) => new StrategyPipelineBuilder("minimal", model).Build();

    public static StrategyPipeline Rag(IChatClient model) =>
        new StrategyPipelineBuilder("rag", model).UseRetrievalAugmentation(Retriever, 2).AddOutputValidator(new CitationOutputValidator()).Build();

    public static StrategyPipeline RagResilient(IChatClient model) =>
        new StrategyPipelineBuilder("rag-resilient", model).UseRetrievalAugmentation(Retriever, 2).AddOutputValidator(new CitationOutputValidator()).UseResilience().Build();

    public static StrategyPipeline RagResilientTelemetry(IChatClient model, StrategyTelemetry telemetry) =>
        new StrategyPipelineBuilder("rag-resilient-telemetry", model).UseRetrievalAugmentation(Retriever, 2).AddOutputValidator(new CitationOutputValidator()).UseResilience().UseTelemetry(telemetry).Build();
}
