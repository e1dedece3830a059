using LlmStrategies.Baseline;
using LlmStrategies.FewShot;
using LlmStrategies.Retrieval;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using static LlmStrategies.Tests.TestDoubles.Samples;

namespace LlmStrategies.Tests.Retrieval;

public class RetrievalAugmentedChatClientTests
{
    private static readonly RetrievedChunk[] Docs =
    [
        Chunk("1", "The warranty lasts two years.", source: "manual"),
        Chunk("2", "Support is open on weekdays.", source: "faq"),
    ];

    [Test]
    public async Task PutsNumberedContextBeforeTheLastUserMessage_AndReturnsTheSources()
    {
        var inner = TestChatClient.Answering("Two years [1].");
        using var client = inner.AsBuilder().UseRetrievalAugmentation(TestRetriever.Returning(Docs), o => o.Top = 2).Build();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "How long is the warranty?")]);

        var sent = inner.Calls.Single().Single();
        Assert.Multiple(() =>
        {
            Assert.That(sent.Role, Is.EqualTo(ChatRole.User));
            Assert.That(sent.Text, Does.Contain("[1] (source: manual)\nThe warranty lasts two years.").And.Contain("[2] (source: faq)").And.EndWith("Question: How long is the warranty?"));
            Assert.That(response.GetRetrievedSources().Select(s => s.SourceId), Is.EqualTo(new[] { "manual", "faq" }));
        });
    }

    [Test]
    public async Task KeepsTheCallersNonTextContents()
    {
        var inner = TestChatClient.Answering("x");
        using var client = inner.AsBuilder().UseRetrievalAugmentation(TestRetriever.Returning(Docs)).Build();
        var image = new DataContent(new byte[] { 1, 2, 3 }, "image/png");

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, [new TextContent("What is this?"), image])]);

        Assert.That(inner.Calls.Single().Single().Contents, Has.Some.SameAs(image));
    }

    [Test]
    public async Task WhenNothingIsRetrieved_PassesTheMessagesThroughUnchanged()
    {
        var inner = TestChatClient.Answering("x");
        using var client = inner.AsBuilder().UseRetrievalAugmentation(TestRetriever.Returning()).Build();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "q")]);

        Assert.Multiple(() =>
        {
            Assert.That(inner.Calls.Single().Single().Text, Is.EqualTo("q"));
            Assert.That(response.GetRetrievedSources(), Is.Empty);
        });
    }

    [Test]
    public async Task ComposesWithFewShot_AndTheBaselineAnswersFromTheRetrievedContext()
    {
        using var client = new ExtractiveBaselineChatClient().AsBuilder()
            .UseFewShot(new FixedFewShotSelector([Example("e", "Is support open on Sunday?", "No [2].")]), o => o.Count = 1)
            .UseRetrievalAugmentation(TestRetriever.Returning(Docs))
            .Build();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "How long does the warranty last?")]);

        Assert.Multiple(() =>
        {
            Assert.That(response.Text, Is.EqualTo("The warranty lasts two years. [1]"));
            Assert.That(response.GetRetrievedSources(), Has.Count.EqualTo(2));
            Assert.That(response.GetFewShotExamples().Single().Id, Is.EqualTo("e"));
        });
    }

    [Test]
    public async Task Streaming_ReportsTheSourcesOnTheFirstUpdate()
    {
        using var client = new ExtractiveBaselineChatClient().AsBuilder().UseRetrievalAugmentation(TestRetriever.Returning(Docs)).Build();
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "warranty?")]))
        {
            updates.Add(update);
        }

        Assert.Multiple(() =>
        {
            Assert.That(updates.ToChatResponse().Text, Is.EqualTo("The warranty lasts two years. [1]"));
            Assert.That(updates[0].AdditionalProperties![StrategyResponseExtensions.RetrievedSourcesKey], Is.EqualTo(Docs));
        });
    }

    [Test]
    public void RejectsANonPositiveTop()
    {
        Assert.That(() => new RetrievalAugmentedChatClient(new ExtractiveBaselineChatClient(), TestRetriever.Returning(), new RetrievalAugmentationOptions { Top = 0 }),
            Throws.TypeOf<Microsoft.Extensions.Options.OptionsValidationException>().With.Message.Contains("RetrievalAugmentationOptions.Top"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Streaming_CancelledAfterTheFirstUpdate_EndsTheStream_AndCancelsTheInnerStream(CancellationToken hangGuard)
    {
        var inner = new HoldingStreamChatClient();
        using var client = inner.AsBuilder().UseRetrievalAugmentation(TestRetriever.Returning(Docs)).Build();

        await inner.AssertCancellingAfterTheFirstUpdateEndsTheStreamAsync(client, [new ChatMessage(ChatRole.User, "2+2?")], hangGuard);
    }
}
