using LlmStrategies.Baseline;
using LlmStrategies.FewShot;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using static LlmStrategies.Tests.TestDoubles.Samples;

namespace LlmStrategies.Tests.FewShot;

public class FewShotChatClientTests
{
    private static readonly FewShotExample[] Pool = [Example("e1", "2+2?", "4"), Example("e2", "3+3?", "6"), Example("e3", "4+4?", "8")];

    [Test]
    public async Task InsertsExamplesAsTurnsBeforeTheLastUserMessage_AndReportsThem()
    {
        var inner = TestChatClient.Answering("10");
        using var client = inner.AsBuilder().UseFewShot(TestFewShotSelector.Returning(Pool), o => o.Count = 2).Build();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.System, "Do sums."), new ChatMessage(ChatRole.User, "5+5?")]);

        Assert.Multiple(() =>
        {
            Assert.That(inner.Calls.Single().Select(m => $"{m.Role}:{m.Text}"), Is.EqualTo(new[]
            {
                "system:Do sums.", "user:2+2?", "assistant:4", "user:3+3?", "assistant:6", "user:5+5?",
            }));
            Assert.That(response.GetFewShotExamples().Select(e => e.Id), Is.EqualTo(new[] { "e1", "e2" }));
        });
    }

    [Test]
    public async Task PassesTheLastUserTextCountAndFilterToTheSelector()
    {
        var selector = TestFewShotSelector.Returning(Pool);
        var filter = MetadataFilter.Where("topic", "math");
        using var client = TestChatClient.Answering("x").AsBuilder().UseFewShot(selector, o => { o.Count = 1; o.Filter = filter; }).Build();

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "first"), new ChatMessage(ChatRole.Assistant, "ok"), new ChatMessage(ChatRole.User, "second")]);

        Assert.Multiple(() =>
        {
            Assert.That(selector.Requests.Single().Input, Is.EqualTo("second"));
            Assert.That(selector.Requests.Single().Count, Is.EqualTo(1));
            Assert.That(selector.Requests.Single().Filter, Is.SameAs(filter));
        });
    }

    [Test]
    public async Task Streaming_InsertsExamplesAndReportsThemOnTheFirstUpdate()
    {
        var inner = TestChatClient.Answering("10");
        using var client = inner.AsBuilder().UseFewShot(TestFewShotSelector.Returning(Pool), o => o.Count = 1).Build();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "5+5?")]))
        {
            updates.Add(update);
        }

        Assert.Multiple(() =>
        {
            Assert.That(inner.Calls.Single(), Has.Count.EqualTo(3));
            Assert.That(updates[0].AdditionalProperties![StrategyResponseExtensions.FewShotExamplesKey], Is.EqualTo(Pool.Take(1).ToArray()));
        });
    }

    [Test]
    public async Task WithoutAUserMessage_PassesThroughUnchanged()
    {
        var selector = TestFewShotSelector.Returning(Pool);
        var inner = TestChatClient.Answering("x");
        using var client = inner.AsBuilder().UseFewShot(selector).Build();

        await client.GetResponseAsync([new ChatMessage(ChatRole.System, "s")]);

        Assert.Multiple(() =>
        {
            Assert.That(selector.Requests, Is.Empty);
            Assert.That(inner.Calls.Single(), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task ResolvesTheSelectorFromServices_WhenNoneIsGiven()
    {
        var services = new ServiceCollection().AddSingleton<IFewShotSelector>(TestFewShotSelector.Returning(Pool)).BuildServiceProvider();
        var inner = TestChatClient.Answering("x");
        using var client = inner.AsBuilder().UseFewShot(configure: o => o.Count = 3).Build(services);

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "q")]);

        Assert.That(inner.Calls.Single(), Has.Count.EqualTo(7));
    }

    [Test]
    public void RejectsANegativeCount()
    {
        Assert.That(() => new FewShotChatClient(new ExtractiveBaselineChatClient(), TestFewShotSelector.Returning(), new FewShotChatClientOptions { Count = -1 }),
            Throws.TypeOf<Microsoft.Extensions.Options.OptionsValidationException>().With.Message.Contains("FewShotChatClientOptions.Count"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Streaming_CancelledAfterTheFirstUpdate_EndsTheStream_AndCancelsTheInnerStream(CancellationToken hangGuard)
    {
        var inner = new HoldingStreamChatClient();
        using var client = inner.AsBuilder().UseFewShot(TestFewShotSelector.Returning(Pool), o => o.Count = 1).Build();

        await inner.AssertCancellingAfterTheFirstUpdateEndsTheStreamAsync(client, [new ChatMessage(ChatRole.User, "2+2?")], hangGuard);
    }
}
