using LlmStrategies.Experiments;
using LlmStrategies.Pipeline;

namespace LlmStrategies.Tuning;

/// <summary>A configuration entered into a search: its point, the pipeline it builds, and the other points that built the same pipeline.</summary>
internal sealed class TuningCandidate(int index, SearchPoint point, StrategyPipeline pipeline, string? model)
{
    public int Index { get; } = index;

    public SearchPoint Point { get; } = point;

    public StrategyPipeline Pipeline { get; } = pipeline;

    public string Name => Pipeline.Name;

    public string Fingerprint => Pipeline.Fingerprint.Value;

    public List<SearchPoint> Duplicates { get; } = [];

    public ExperimentStrategy Entry { get; } = new(pipeline, model);
}
