using BenchmarkDotNet.Running;
using LlmStrategies.Benchmarks.Analysis;
using LlmStrategies.Benchmarks.Pipeline;
using LlmStrategies.Benchmarks.Retrieval;

// Quality reports (not timings) are plain commands; everything else is BenchmarkDotNet:
//   dotnet run -c Release --project benchmarks/LlmStrategies.Benchmarks -- squad-quality
//   dotnet run -c Release --project benchmarks/LlmStrategies.Benchmarks -- pipeline-latency
//   dotnet run -c Release --project benchmarks/LlmStrategies.Benchmarks -- analysis threshold|squad-example|scale
//   dotnet run -c Release --project benchmarks/LlmStrategies.Benchmarks -- --filter '*Bm25*'
if (args is ["squad-quality", ..])
{
    Console.WriteLine(await SquadRetrievalQuality.RunAsync());
    return;
}

if (args is ["pipeline-latency", ..])
{
    Console.WriteLine(await PipelineLatencyReport.RunAsync());
    return;
}

if (args is ["analysis", ..])
{
    Environment.ExitCode = await AnalysisCommands.RunAsync(args[1..]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
