using BenchmarkDotNet.Attributes;
using LlmStrategies.Monitoring;
using LlmStrategies.Pipeline;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Benchmarks.Pipeline;

/// <summary>
/// The cost of the strategy pipeline itself per call, over a model that answers instantly: the raw model call as the
/// baseline, then the pipeline with retrieval and validation, with resilience (Polly) and with telemetry.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PercentileConfig))]
public class PipelineOverheadBenchmarks
{
    private readonly IChatClient _model = new InstantChatClient();
    private readonly ChatMessage[] _messages = [new(ChatRole.User, PipelineVariants.Request.Question)];
    private StrategyTelemetry _telemetry = null!;
    private StrategyPipeline _minimal = null!;
    private StrategyPipeline _rag = null!;
    private StrategyPipeline _resilient = null!;
    private StrategyPipeline _telemetered = null!;

    [GlobalSetup]
    public void Setup()
    {
        _telemetry = new StrategyTelemetry();
        _minimal = PipelineVariants.Minimal(_model);
        _rag = PipelineVariants.Rag(_model);
        _resilient = PipelineVariants.RagResilient(_model);
        _telemetered = PipelineVariants.RagResilientTelemetry(_model, _telemetry);
    }

    [GlobalCleanup]
    public void Cleanup() => _telemetry.Dispose();

    [Benchmark(Baseline = true)]
    public Task<ChatResponse> RawModelCall() => _model.GetResponseAsync(_messages);

    [Benchmark]
    public Task<StrategyResult> Pipeline_Minimal() => _minimal.RunAsync(PipelineVariants.Request);

    [Benchmark]
    public Task<StrategyResult> Pipeline_Rag_Validation() => _rag.RunAsync(PipelineVariants.Request);

    [Benchmark]
    public Task<StrategyResult> Pipeline_Rag_Validation_Resilience() => _resilient.RunAsync(PipelineVariants.Request);

    [Benchmark]
    public Task<StrategyResult> Pipeline_Rag_Validation_Resilience_Telemetry() => _telemetered.RunAsync(PipelineVariants.Request);

    private sealed class PercentileConfig : BenchmarkDotNet.Configs.ManualConfig
    {
        public PercentileConfig() => AddColumn(BenchmarkDotNet.Columns.StatisticColumn.P50, BenchmarkDotNet.Columns.StatisticColumn.P95);
    }
}
