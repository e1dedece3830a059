using System.Text.Json;
using LlmStrategies.Baseline;
using LlmStrategies.Pipeline;
using LlmStrategies.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace LlmStrategies.Providers.Tests;

public class ChatProviderFactoryTests
{
    private const string OpenAIReply = """
        {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"test-model-0613",
         "choices":[{"index":0,"message":{"role":"assistant","content":"Two years [1]."},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":42,"completion_tokens":5,"total_tokens":47,"prompt_tokens_details":{"cached_tokens":32}}}
        """;

    [Test]
    public async Task OpenAI_SendsAChatCompletionToTheConfiguredEndpoint_AndReadsAnswerAndUsage()
    {
        await using var server = new LoopbackServer(_ => (200, "application/json", OpenAIReply));
        using var client = ChatProviderFactory.Create(new ChatProviderOptions
        {
            Provider = ChatProviderKind.OpenAI,
            Endpoint = new Uri(server.BaseAddress, "v1"),
            Model = "test-model",
            ApiKey = "sk-test",
        });

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.System, "Be brief."), new ChatMessage(ChatRole.User, "Warranty?")], new ChatOptions { Temperature = 0 });

        var request = server.Requests.Single();
        using var body = JsonDocument.Parse(request.Body);
        Assert.Multiple(() =>
        {
            Assert.That(request.Method, Is.EqualTo("POST"));
            Assert.That(request.Path, Is.EqualTo("/v1/chat/completions"));
            Assert.That(request.Authorization, Is.EqualTo("Bearer sk-test"));
            Assert.That(body.RootElement.GetProperty("model").GetString(), Is.EqualTo("test-model"));
            Assert.That(body.RootElement.GetProperty("temperature").GetDouble(), Is.Zero);
            var messages = body.RootElement.GetProperty("messages").EnumerateArray().ToList();
            Assert.That(messages.Select(m => m.GetProperty("role").GetString()), Is.EqualTo(new[] { "system", "user" }));
            Assert.That(response.Text, Is.EqualTo("Two years [1]."));
            Assert.That(response.ModelId, Is.EqualTo("test-model-0613"));
            Assert.That(response.Usage!.InputTokenCount, Is.EqualTo(42));
            Assert.That(response.Usage.OutputTokenCount, Is.EqualTo(5));
            Assert.That(response.Usage.CachedInputTokenCount, Is.EqualTo(32));
        });
    }

    [Test]
    public async Task OpenAI_ServerErrors_SurfaceAsExceptions_ThatThePipelineReportsByStage()
    {
        await using var server = new LoopbackServer(_ => (400, "application/json", """{"error":{"message":"model not found","type":"invalid_request_error"}}"""));
        using var client = ChatProviderFactory.Create(new ChatProviderOptions { Provider = ChatProviderKind.OpenAI, Endpoint = new Uri(server.BaseAddress, "v1"), Model = "nope", ApiKey = "k" });
        var pipeline = new StrategyPipelineBuilder("remote", client).Build();

        var ex = Assert.ThrowsAsync<StrategyExecutionException>(() => pipeline.RunAsync(new StrategyRequest("q")));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Stage, Is.EqualTo(PipelineStage.ModelCall));
            Assert.That(ex.InnerException!.Message, Does.Contain("model not found"));
        });
    }

    [Test]
    public async Task Ollama_SendsAChatRequestToTheConfiguredServer_AndReadsAnswerAndUsage()
    {
        await using var server = new LoopbackServer(request =>
        {
            using var body = JsonDocument.Parse(request.Body);
            var stream = !body.RootElement.TryGetProperty("stream", out var s) || s.GetBoolean();
            const string Final = """{"model":"llama3.2","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":1000,"prompt_eval_count":30,"eval_count":4}""";
            return stream
                ? (200, "application/x-ndjson",
                    """{"model":"llama3.2","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"Two "},"done":false}""" + "\n" +
                    """{"model":"llama3.2","created_at":"2025-01-01T00:00:00Z","message":{"role":"assistant","content":"years."},"done":false}""" + "\n" +
                    Final + "\n")
                : (200, "application/json", Final.Replace("\"content\":\"\"", "\"content\":\"Two years.\"", StringComparison.Ordinal));
        });
        using var client = ChatProviderFactory.Create(new ChatProviderOptions { Provider = ChatProviderKind.Ollama, Endpoint = server.BaseAddress, Model = "llama3.2" });

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Warranty?")]);

        var request = server.Requests.Single();
        using var sent = JsonDocument.Parse(request.Body);
        Assert.Multiple(() =>
        {
            Assert.That(request.Path, Is.EqualTo("/api/chat"));
            Assert.That(sent.RootElement.GetProperty("model").GetString(), Is.EqualTo("llama3.2"));
            Assert.That(sent.RootElement.GetProperty("messages")[0].GetProperty("content").GetString(), Is.EqualTo("Warranty?"));
            Assert.That(response.Text, Is.EqualTo("Two years."));
            Assert.That(response.Usage!.InputTokenCount, Is.EqualTo(30));
            Assert.That(response.Usage.OutputTokenCount, Is.EqualTo(4));
        });
    }

    [Test]
    public async Task RealProvider_RunsThePipelineWithRetrievalAugmentation()
    {
        await using var server = new LoopbackServer(_ => (200, "application/json", OpenAIReply));
        using var client = ChatProviderFactory.Create(new ChatProviderOptions { Provider = ChatProviderKind.OpenAI, Endpoint = new Uri(server.BaseAddress, "v1"), Model = "m", ApiKey = "k" });
        var pipeline = new StrategyPipelineBuilder("rag", client)
            .UseRetrievalAugmentation(new FixedContextRetriever([new RetrievedChunk { ChunkId = "1", SourceId = "manual", Text = "The warranty lasts two years." }]))
            .Build();

        var result = await pipeline.RunAsync(new StrategyRequest("How long is the warranty?"));

        using var body = JsonDocument.Parse(server.Requests.Single().Body);
        Assert.Multiple(() =>
        {
            Assert.That(body.RootElement.GetProperty("messages")[0].GetProperty("content").GetString(), Does.Contain("[1] (source: manual)"));
            Assert.That(result.Answer, Is.EqualTo("Two years [1]."));
            Assert.That(result.Usage.CachedInputTokenCount, Is.EqualTo(32));
            Assert.That(result.ModelId, Is.EqualTo("test-model-0613"));
        });
    }

    [Test]
    public void Baseline_NeedsNoSettings()
    {
        using var client = ChatProviderFactory.Create(new ChatProviderOptions());

        Assert.That(client, Is.TypeOf<ExtractiveBaselineChatClient>());
    }

    [TestCase(ChatProviderKind.OpenAI, null, "k", "ChatProvider:Model is required")]
    [TestCase(ChatProviderKind.Ollama, null, null, "ChatProvider:Model is required")]
    [TestCase(ChatProviderKind.OpenAI, "m", null, "ChatProvider:ApiKey is not set")]
    public void MissingSettings_AreNamedWithTheirFix(ChatProviderKind provider, string? model, string? key, string expected)
    {
        var options = new ChatProviderOptions { Provider = provider, Model = model, ApiKey = key, ApiKeyEnvironmentVariable = "LLMSTRATEGIES_TEST_UNSET_VARIABLE" };

        Assert.That(() => ChatProviderFactory.Create(options), Throws.TypeOf<OptionsValidationException>().With.Message.Contains(expected));
    }

    [Test]
    public void NonHttpEndpoint_IsRejected()
    {
        var options = new ChatProviderOptions { Provider = ChatProviderKind.Ollama, Model = "m", Endpoint = new Uri("ftp://example.org") };

        Assert.That(() => ChatProviderFactory.Create(options), Throws.TypeOf<OptionsValidationException>().With.Message.Contains("absolute http or https"));
    }

    [Test]
    public void DefaultEndpoints_AreThePublicOnes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new ChatProviderOptions { Provider = ChatProviderKind.OpenAI }.ResolveEndpoint(), Is.EqualTo(new Uri("https://api.openai.com/v1")));
            Assert.That(new ChatProviderOptions { Provider = ChatProviderKind.Ollama }.ResolveEndpoint(), Is.EqualTo(new Uri("http://localhost:11434")));
            Assert.That(new ChatProviderOptions().ResolveEndpoint(), Is.Null);
        });
    }
}
