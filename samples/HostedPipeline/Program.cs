// Dependency injection with a host builder: the chat model comes from configuration (appsettings.json, environment
// variables, command line), middleware is added to the chat client, and a named strategy pipeline is registered.
//   dotnet run --project samples/HostedPipeline
//   dotnet run --project samples/HostedPipeline -- --ChatProvider:Provider=Ollama --ChatProvider:Model=llama3.2
using LlmStrategies;
using LlmStrategies.Pipeline;
using LlmStrategies.Retrieval;
using LlmStrategies.Validation;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });

builder.Services.AddSingleton<IRetriever>(new FixedContextRetriever(
[
    new RetrievedChunk { ChunkId = "w1", SourceId = "warranty.md", Text = "All routers have a three-year warranty. Claims are filed online." },
    new RetrievedChunk { ChunkId = "s1", SourceId = "support.md", Text = "Phone support is open on weekdays from 8:00 to 18:00." },
]));

// The model, selected by configuration; middleware composes in the Microsoft.Extensions.AI style.
builder.Services.AddChatProvider(o => builder.Configuration.GetSection("ChatProvider").Bind(o))
    .UseRetrievalAugmentation(configure: o => o.Top = 2);

// Pipeline defaults from configuration, validated when the host starts; one named strategy.
builder.Services.AddLlmStrategies(o => builder.Configuration.GetSection("LlmStrategies").Bind(o))
    .AddStrategy("support-rag", (services, pipeline) => pipeline
        .UseRetrievalAugmentation(services.GetRequiredService<IRetriever>())
        .AddOutputValidator(new CitationOutputValidator()));

using var host = builder.Build();
await host.StartAsync();

// 1. Through the middleware: any code that takes an IChatClient gets retrieval augmentation.
var chat = host.Services.GetRequiredService<IChatClient>();
var response = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "When is phone support open?")]);
Console.WriteLine($"middleware: {response.Text}  (sources: {string.Join(", ", response.GetRetrievedSources().Select(s => s.SourceId))})");

// 2. Through the pipeline: validation, repair, per-stage timings and the fingerprint experiments key on.
var pipeline = host.Services.GetRequiredKeyedService<StrategyPipeline>("support-rag");
var result = await pipeline.RunAsync(new StrategyRequest("How long is the warranty?"));
Console.WriteLine($"pipeline:   {result.Answer}  [{result.Outcome}, fingerprint {result.Fingerprint}]");
Console.WriteLine($"            stages: {string.Join(", ", result.Timings)}");

await host.StopAsync();
