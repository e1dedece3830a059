using BenchmarkDotNet.Running;

// Every suite in this assembly is selectable: `dotnet run -c Release --project benchmarks/LlmStrategies.Benchmarks -- --filter '*Name*'`.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
