// The strategy ladder on a small fictional knowledge base: prompt-only → few-shot → retrieval-augmented.
// Offline by default (the extractive baseline, which is NOT a language model). Select a real model with, e.g.:
//   dotnet run --project samples/StrategyLadder -- --ChatProvider:Provider=Ollama --ChatProvider:Model=llama3.2
//   dotnet run --project samples/StrategyLadder -- --ChatProvider:Provider=OpenAI --ChatProvider:Model=gpt-4o-mini   (key in OPENAI_API_KEY)
using System.Globalization;
using LlmStrategies;
using LlmStrategies.FewShot;
using LlmStrategies.Pipeline;
using LlmStrategies.Providers;
using LlmStrategies.Retrieval;
using LlmStrategies.Validation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StrategyLadder;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, DisableDefaults = true });
builder.Configuration.AddEnvironmentVariables("LLMSTRATEGIES_").AddCommandLine(args);
builder.Services.AddChatProvider(o => builder.Configuration.GetSection("ChatProvider").Bind(o));
builder.Services.AddLlmStrategies(o =>
{
    o.Instructions = "You answer questions about Brightwater Networks in one short sentence.";
    o.MaxRepairAttempts = 1;
})
    .AddStrategy("prompt-only", (_, _) => { })
    .AddStrategy("few-shot", (_, b) => b.UseFewShot(new FixedFewShotSelector(KnowledgeBase.Examples), count: 2))
    .AddStrategy("rag (whole knowledge base)", (_, b) => b
        .UseRetrievalAugmentation(new FixedContextRetriever(KnowledgeBase.AsChunks()), top: KnowledgeBase.Documents.Length)
        .AddOutputValidator(new CitationOutputValidator()));

using var host = builder.Build();
try
{
    // Starting the host validates every option (ValidateOnStart), so a wrong setting is reported before any work.
    await host.StartAsync();
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync($"Configuration error: {ex.Message}");
    return 2;
}

var provider = host.Services.GetRequiredService<IOptions<ChatProviderOptions>>().Value;
Console.WriteLine($"Model: {provider.Provider}{(provider.Provider == ChatProviderKind.Baseline ? " (extractive baseline: deterministic, offline, not a language model)" : $" {provider.Model} at {provider.ResolveEndpoint()}")}");
Console.WriteLine($"Test set: {KnowledgeBase.Questions.Length} questions over {KnowledgeBase.Documents.Length} documents; an answer is correct when it contains the expected fact.");
Console.WriteLine();

var rows = new List<string[]>();
foreach (var strategy in host.Services.GetServices<IStrategy>())
{
    var correct = 0;
    long inputTokens = 0, outputTokens = 0;
    var latencies = new List<double>();
    foreach (var (question, expected) in KnowledgeBase.Questions)
    {
        var result = await strategy.RunAsync(new StrategyRequest(question));
        if (result.Answer?.Contains(expected, StringComparison.OrdinalIgnoreCase) == true && result.Outcome == StrategyOutcome.Answered)
        {
            correct++;
        }

        inputTokens += result.Usage.InputTokenCount ?? 0;
        outputTokens += result.Usage.OutputTokenCount ?? 0;
        latencies.Add(result.Elapsed.TotalMilliseconds);
    }

    latencies.Sort();
    rows.Add([
        strategy.Name,
        strategy.Fingerprint.Value[..8],
        string.Create(CultureInfo.InvariantCulture, $"{correct}/{KnowledgeBase.Questions.Length} ({100.0 * correct / KnowledgeBase.Questions.Length:F0}%)"),
        string.Create(CultureInfo.InvariantCulture, $"{inputTokens / KnowledgeBase.Questions.Length:N0}"),
        string.Create(CultureInfo.InvariantCulture, $"{outputTokens / KnowledgeBase.Questions.Length:N0}"),
        string.Create(CultureInfo.InvariantCulture, $"{latencies[latencies.Count / 2]:F2}"),
    ]);
}

string[] header = ["strategy", "fingerprint", "correct", "input tok/q", "output tok/q", "p50 ms"];
var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
Console.WriteLine(string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))));
Console.WriteLine(string.Join("-|-", widths.Select(w => new string('-', w))));
foreach (var row in rows)
{
    Console.WriteLine(string.Join(" | ", row.Select((c, i) => c.PadRight(widths[i]))));
}

Console.WriteLine();
var rag = host.Services.GetRequiredKeyedService<StrategyPipeline>("rag (whole knowledge base)");
var example = await rag.RunAsync(new StrategyRequest(KnowledgeBase.Questions[1].Question));
Console.WriteLine($"Example (rag): Q: {KnowledgeBase.Questions[1].Question}");
Console.WriteLine($"               A: {example.Answer}");
Console.WriteLine($"               sources in the prompt: {string.Join(", ", example.Sources.Select((s, i) => $"[{i + 1}] {s.SourceId}"))}");
Console.WriteLine($"               stages: {string.Join(", ", example.Timings)}");
Console.WriteLine();
Console.WriteLine("The baseline's token counts are word-and-punctuation estimates; a provider that reports no usage shows 0.");
await host.StopAsync();
return 0;
