// Dependency injection with a host builder: the chat model comes from configuration (appsettings.json, environment
// variables, command line), middleware is added to the chat client, and a named strategy pipeline is registered.
//   dotnet run --project samples/HostedPipeline
//   dotnet run --project samples/HostedPipeline -- --ChatProvider:Provider=Ollama --ChatProvider:Model=llama3.2
//   dotnet run --project samples/HostedPipeline -- --Telemetry:Console=true     (spans and metrics to the console)
using LlmStrategies.Resilience;
using LlmStrategies;
using LlmStrategies.Monitoring;
using LlmStrategies.Monitoring.Logging;
using LlmStrategies.Pipeline;
using LlmStrategies.Providers;
using LlmStrategies.Retrieval;
using LlmStrategies.Validation;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.Services.AddSingleton<IRetriever>(new FixedContextRetriever(
[
    new RetrievedChunk { ChunkId = "w1", SourceId = "warranty.md", Text = "All routers have a three-year warranty. Claims are filed online." },
    new RetrievedChunk { ChunkId = "s1", SourceId = "support.md", Text = "Phone support is open on weekdays from 8:00 to 18:00." },
]));

// The model, selected by configuration; middleware composes in the Microsoft.Extensions.AI style: resilience (retries
// honouring Retry-After, timeouts, circuit breaker) and OpenTelemetry GenAI spans and metrics for the model calls.
builder.Services.AddChatProvider(o => builder.Configuration.GetSection("ChatProvider").Bind(o))
    .UseResilience(o => o.UseProviderFailures())
    .UseOpenTelemetry();

// Strategy-level spans and metrics (meter and source "LlmStrategies"), next to M.E.AI's model-call telemetry.
if (builder.Configuration.GetValue<bool>("Telemetry:Console"))
{
    builder.Services.AddOpenTelemetry()
        .WithTracing(tracing => tracing.AddSource(StrategyTelemetry.Name, "Experimental.Microsoft.Extensions.AI").AddConsoleExporter())
        .WithMetrics(metrics => metrics.AddMeter(StrategyTelemetry.Name, "Experimental.Microsoft.Extensions.AI").AddConsoleExporter());
}

// Redaction for prompt and answer text in logs.
builder.Services.AddLlmContentRedaction();

// Pipeline defaults from configuration, validated when the host starts; one named strategy.
builder.Services.AddLlmStrategies(o => builder.Configuration.GetSection("LlmStrategies").Bind(o))
    .AddStrategy("support-rag", (services, pipeline) => pipeline
        .UseRetrievalAugmentation(services.GetRequiredService<IRetriever>())
        .AddOutputValidator(new CitationOutputValidator()));

using var host = builder.Build();
await host.StartAsync();

// 1. Through middleware: any code that takes an IChatClient gets retrieval augmentation.
using var chat = host.Services.GetRequiredService<IChatClient>().AsBuilder()
    .UseRetrievalAugmentation(host.Services.GetRequiredService<IRetriever>(), o => o.Top = 2)
    .Build(host.Services);
var response = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "When is phone support open?")]);
Console.WriteLine($"middleware: {response.Text}  (sources: {string.Join(", ", response.GetRetrievedSources().Select(s => s.SourceId))})");

// 2. Through the pipeline: validation, repair, per-stage timings and the fingerprint experiments key on; the
//    MonitoredStrategy decorator logs each call (content redacted) without changing answers.
var callLogger = new StrategyCallLogger(
    host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("LlmStrategies.Calls"),
    new CallLoggingOptions { IncludeContent = true },
    host.Services.GetRequiredService<Microsoft.Extensions.Compliance.Redaction.IRedactorProvider>());
await using var pipeline = new MonitoredStrategy(host.Services.GetRequiredKeyedService<StrategyPipeline>("support-rag"), new MonitoredStrategyOptions { Logger = callLogger });
var result = await pipeline.RunAsync(new StrategyRequest("How long is the warranty? Reply to me at jane@example.com"));
Console.WriteLine($"pipeline:   {result.Answer}  [{result.Outcome}, fingerprint {result.Fingerprint}]");
Console.WriteLine($"            stages: {string.Join(", ", result.Timings)}");

await host.StopAsync();
