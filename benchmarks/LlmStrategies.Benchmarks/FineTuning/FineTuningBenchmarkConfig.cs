using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace LlmStrategies.Benchmarks.FineTuning;

/// <summary>A short job (1 launch, 3 warm-ups, 10 measured iterations) with the median column; memory is always measured.</summary>
public sealed class FineTuningBenchmarkConfig : ManualConfig
{
    public FineTuningBenchmarkConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithId("Short10"));
        AddColumn(StatisticColumn.Median);
        AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default);
    }
}
