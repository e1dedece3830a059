using LLama;
using LLama.Abstractions;
using LLama.Common;
using LlmStrategies.Pipeline;
using LlmStrategies.Retrieval;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using static LlmStrategies.Tests.TestDoubles.Samples;

namespace LlmStrategies.Tests.Integration;

/// <summary>
/// Runs the pipeline on a real (tiny) language model through LLamaSharp's IChatClient: ../shared/models/stories260K.gguf,
/// a 292,800-parameter Llama trained on children's stories. It cannot answer questions; these tests prove the real-model
/// path (load, prompt, generate, stream, cancel) works end to end, not answer quality.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public class LlamaSharpPipelineTests
{
    private LLamaWeights? _weights;
    private ModelParams? _parameters;

    [OneTimeSetUp]
    public async Task LoadModel()
    {
        var path = SharedFiles.RequireFile("models/stories260K.gguf");
        _parameters = new ModelParams(path) { ContextSize = 512, GpuLayerCount = 0 };
        _weights = await LLamaWeights.LoadFromFileAsync(_parameters);
    }

    [OneTimeTearDown]
    public void Unload() => _weights?.Dispose();

    private IChatClient CreateClient() => new StatelessExecutor(_weights!, _parameters!).AsChatClient();

    private static readonly ChatOptions Greedy = new() { Temperature = 0, MaxOutputTokens = 24 };

    [Test]
    public async Task RunsThePipelineEndToEnd_Deterministically()
    {
        using var client = CreateClient();
        var pipeline = new StrategyPipelineBuilder("tiny-llama-rag", client)
            .Configure(o => o.ChatOptions = Greedy)
            .UseRetrievalAugmentation(new FixedContextRetriever([Chunk("1", "Lily went to the park. She met a big dog named Max.")]), top: 1)
            .Build();

        var first = await pipeline.RunAsync(new StrategyRequest("Who did Lily meet?"));
        var second = await pipeline.RunAsync(new StrategyRequest("Who did Lily meet?"));

        Assert.Multiple(() =>
        {
            Assert.That(first.Outcome, Is.EqualTo(StrategyOutcome.Answered));
            Assert.That(first.Answer, Is.Not.Null.And.Not.Empty, "the model generated text");
            Assert.That(second.Answer, Is.EqualTo(first.Answer), "greedy decoding is deterministic");
            Assert.That(first.Sources.Single().ChunkId, Is.EqualTo("1"));
            Assert.That(first.SentMessages[^1].Text, Does.Contain("She met a big dog named Max."));
            Assert.That(first.Timings.Single(t => t.Stage == PipelineStage.ModelCall).Elapsed, Is.GreaterThan(TimeSpan.Zero));
        });
    }

    [Test]
    public async Task Streams_TheSameTextAsTheNonStreamingCall()
    {
        using var client = CreateClient();
        var messages = new[] { new ChatMessage(ChatRole.User, "Once upon a time") };

        var whole = await client.GetResponseAsync(messages, Greedy.Clone());
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(messages, Greedy.Clone()))
        {
            updates.Add(update);
        }

        Assert.Multiple(() =>
        {
            Assert.That(updates, Has.Count.GreaterThan(1), "tokens arrive one by one");
            Assert.That(updates.ToChatResponse().Text, Is.EqualTo(whole.Text));
        });
    }

    [Test]
    public void CancelledToken_StopsThePipelineBeforeTheModelRuns()
    {
        using var client = CreateClient();
        var pipeline = new StrategyPipelineBuilder("tiny", client).Configure(o => o.ChatOptions = Greedy).Build();
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.That(() => pipeline.RunAsync(new StrategyRequest("Tell me a story."), cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void CancellingMidGeneration_StopsTheModel()
    {
        using var client = CreateClient();
        using var cts = new CancellationTokenSource();
        var received = 0;

        Assert.That(
            async () =>
            {
                await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Once upon a time")], new ChatOptions { Temperature = 0, MaxOutputTokens = 400 }, cts.Token))
                {
                    if (++received == 3)
                    {
                        await cts.CancelAsync();
                    }
                }
            },
            Throws.InstanceOf<OperationCanceledException>());
        // LLamaSharp checks the token between decode steps and buffers a few tokens for its text transforms, so a handful
        // more may arrive; without cancellation the model would run to the 400-token limit.
        Assert.That(received, Is.InRange(3, 399));
    }
}
