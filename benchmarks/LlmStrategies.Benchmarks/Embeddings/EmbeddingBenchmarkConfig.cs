using System.Runtime.Intrinsics;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace LlmStrategies.Benchmarks.Embeddings;

/// <summary>
/// A short job (1 launch, 3 warm-ups, 10 measured iterations: medians are stable at these run times) plus
/// columns for sentences/s, GFLOP/s and the share of the FMA peak measured by <see cref="FmaPeakBenchmarks"/>
/// in the same run.
/// </summary>
public sealed class EmbeddingBenchmarkConfig : ManualConfig
{
    public EmbeddingBenchmarkConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(10).WithId("Short10"));
        AddColumn(new ThroughputColumn(ThroughputKind.SentencesPerSecond), new ThroughputColumn(ThroughputKind.Gflops), new ThroughputColumn(ThroughputKind.PercentOfPeak));
        AddColumn(StatisticColumn.Median);
        WithOption(ConfigOptions.JoinSummary, true);
    }
}

internal enum ThroughputKind
{
    SentencesPerSecond,
    Gflops,
    PercentOfPeak,
}

internal sealed class ThroughputColumn(ThroughputKind kind) : IColumn
{
    public string Id => $"{nameof(ThroughputColumn)}.{kind}";

    public string ColumnName => kind switch
    {
        ThroughputKind.SentencesPerSecond => "Sentences/s",
        ThroughputKind.Gflops => "GFLOP/s",
        _ => "% of FMA peak",
    };

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => (int)kind;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => kind switch
    {
        ThroughputKind.SentencesPerSecond => "Sentences embedded per second (median)",
        ThroughputKind.Gflops => "Floating-point operations per second (median; 2 per multiply-add)",
        _ => "GFLOP/s as a share of RegisterFma (the single-core AVX-512 FMA peak measured in this run)",
    };

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var seconds = MedianSeconds(summary, benchmarkCase);
        var flops = Flops(benchmarkCase);
        if (seconds is null || flops is null)
        {
            return "-";
        }

        var sentences = benchmarkCase.Parameters.Items.FirstOrDefault(parameter => parameter.Name == "Sentences")?.Value as int?;
        switch (kind)
        {
            case ThroughputKind.SentencesPerSecond:
                return sentences is { } count ? (count / seconds.Value).ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "-";
            case ThroughputKind.Gflops:
                return (flops.Value / seconds.Value / 1e9).ToString("N1", System.Globalization.CultureInfo.InvariantCulture);
            default:
                var peakCase = summary.BenchmarksCases.FirstOrDefault(candidate => candidate.Descriptor.WorkloadMethod.Name == nameof(FmaPeakBenchmarks.RegisterFma));
                var peakSeconds = peakCase is null ? null : MedianSeconds(summary, peakCase);
                if (peakSeconds is null)
                {
                    return "-";
                }

                var peak = Flops(peakCase!)!.Value / peakSeconds.Value;
                return (100 * flops.Value / seconds.Value / peak).ToString("N1", System.Globalization.CultureInfo.InvariantCulture) + " %";
        }
    }

    private static double? MedianSeconds(Summary summary, BenchmarkCase benchmarkCase) =>
        summary[benchmarkCase]?.ResultStatistics?.Median is { } nanoseconds ? nanoseconds / 1e9 : null;

    private static double? Flops(BenchmarkCase benchmarkCase)
    {
        var sentences = benchmarkCase.Parameters.Items.FirstOrDefault(parameter => parameter.Name == "Sentences")?.Value as int?;
        return benchmarkCase.Descriptor.WorkloadMethod.Name switch
        {
            nameof(FmaPeakBenchmarks.RegisterFma) => FmaPeakBenchmarks.RegisterFlops / (Vector512.IsHardwareAccelerated ? 1 : 2),
            nameof(FmaPeakBenchmarks.DotL1) => FmaPeakBenchmarks.DotFlops,
            _ when sentences is { } count => EmbeddingWorkload.Flops(count),
            _ => null,
        };
    }

    public override string ToString() => ColumnName;
}
