using System.Diagnostics;
using System.Globalization;
using System.Text;
using LlmStrategies.Monitoring;
using LlmStrategies.Pipeline;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Benchmarks.Pipeline;

/// <summary>
/// Per-call latency percentiles and throughput of the pipeline's own work (the model answers instantly), sequentially
/// and at concurrency 64. BenchmarkDotNet reports means of iterations; this reports the distribution of single calls.
/// Run: <c>dotnet run -c Release --project benchmarks/LlmStrategies.Benchmarks -- pipeline-latency</c>.
/// </summary>
internal static class PipelineLatencyReport
{
    private const int Calls = 200_000;

    public static async Task<string> RunAsync()
    {
        using var telemetry = new StrategyTelemetry();
        IChatClient model = new InstantChatClient();
        ChatMessage[] messages = [new(ChatRole.User, PipelineVariants.Request.Question)];
        var variants = new (string Name, Func<Task> Call)[]
        {
            ("raw model call", () => model.GetResponseAsync(messages)),
            ("pipeline, minimal", Run(PipelineVariants.Minimal(model))),
            ("pipeline, RAG + validation", Run(PipelineVariants.Rag(model))),
            ("+ resilience (Polly)", Run(PipelineVariants.RagResilient(model))),
            ("+ telemetry", Run(PipelineVariants.RagResilientTelemetry(model, telemetry))),
        };

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"{Calls:N0} calls per row after 20,000 warm-up calls; latency of single calls in microseconds.");
        report.AppendLine();
        report.AppendLine("| variant | concurrency | calls/s | p50 µs | p95 µs | p99 µs |");
        report.AppendLine("|---|---|---|---|---|---|");
        foreach (var concurrency in new[] { 1, 64 })
        {
            foreach (var (name, call) in variants)
            {
                var (throughput, p50, p95, p99) = await MeasureAsync(call, concurrency);
                report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {concurrency} | {throughput:N0} | {p50:F1} | {p95:F1} | {p99:F1} |");
            }
        }

        return report.ToString();
    }

    private static Func<Task> Run(StrategyPipeline pipeline) => () => pipeline.RunAsync(PipelineVariants.Request);

    private static async Task<(double Throughput, double P50, double P95, double P99)> MeasureAsync(Func<Task> call, int concurrency)
    {
        for (var i = 0; i < 20_000; i++)
        {
            await call();
        }

        var latencies = new double[Calls];
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Calls)
            {
                var start = Stopwatch.GetTimestamp();
                await call();
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(started);
        Array.Sort(latencies);
        return (Calls / elapsed.TotalSeconds, latencies[Calls / 2], latencies[(int)(Calls * 0.95)], latencies[(int)(Calls * 0.99)]);
    }
}
