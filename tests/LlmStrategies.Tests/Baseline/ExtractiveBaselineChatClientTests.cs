using LlmStrategies.Baseline;
using LlmStrategies.Prompting;
using Microsoft.Extensions.AI;
using static LlmStrategies.Tests.TestDoubles.Samples;

namespace LlmStrategies.Tests.Baseline;

public class ExtractiveBaselineChatClientTests
{
    private readonly ExtractiveBaselineChatClient _client = new();

    private static ChatMessage[] Prompt(string question, params RetrievedChunk[] context) =>
        [new ChatMessage(ChatRole.System, "Be helpful."), new ChatMessage(ChatRole.User, PromptText.RenderQuestion(context, question))];

    [Test]
    public async Task AnswersWithTheBestMatchingSentence_AndItsCitationMarker()
    {
        var response = await _client.GetResponseAsync(Prompt(
            "When was the company founded?",
            Chunk("1", "Contoso sells routers. Its headquarters are in Oslo."),
            Chunk("2", "The company was founded in 1998 by two engineers. It has 300 employees.")));

        Assert.Multiple(() =>
        {
            Assert.That(response.Text, Is.EqualTo("The company was founded in 1998 by two engineers. [2]"));
            Assert.That(response.ModelId, Is.EqualTo(ExtractiveBaselineChatClient.ModelIdentifier));
            Assert.That(response.FinishReason, Is.EqualTo(ChatFinishReason.Stop));
        });
    }

    [Test]
    public async Task RareQuestionTermsOutweighCommonOnes()
    {
        // "router" is in every sentence, so it cannot decide; "firmware" can.
        var response = await _client.GetResponseAsync(Prompt(
            "How is router firmware updated?",
            Chunk("1", "The router has four ports. The router is white. Router firmware is updated over the air.")));

        Assert.That(response.Text, Is.EqualTo("Router firmware is updated over the air. [1]"));
    }

    [Test]
    public async Task WithoutContext_SaysItCannotAnswer()
    {
        var response = await _client.GetResponseAsync([new ChatMessage(ChatRole.User, "What is the capital of France?")]);

        Assert.That(response.Text, Is.EqualTo(ExtractiveBaselineChatClient.NoAnswer));
    }

    [Test]
    public async Task WhenNothingMatches_SaysItCannotAnswer()
    {
        var response = await _client.GetResponseAsync(Prompt("Who painted the Mona Lisa?", Chunk("1", "Routers forward packets.")));

        Assert.That(response.Text, Is.EqualTo(ExtractiveBaselineChatClient.NoAnswer));
    }

    [Test]
    public async Task TiesGoToTheBetterRankedPassage()
    {
        var response = await _client.GetResponseAsync(Prompt("warranty length?", Chunk("1", "Warranty: two years."), Chunk("2", "Warranty: five years.")));

        Assert.That(response.Text, Is.EqualTo("Warranty: two years. [1]"));
    }

    [Test]
    public async Task IsDeterministic_AndReportsAnEstimatedUsage()
    {
        var messages = Prompt("When was it founded?", Chunk("1", "It was founded in 1998."));
        var first = await _client.GetResponseAsync(messages);
        var second = await _client.GetResponseAsync(messages);

        Assert.Multiple(() =>
        {
            Assert.That(second.Text, Is.EqualTo(first.Text));
            Assert.That(first.Usage!.OutputTokenCount, Is.EqualTo(9), "It / was / founded / in / 1998 / . / [ / 1 / ]");
            Assert.That(first.Usage.TotalTokenCount, Is.EqualTo(first.Usage.InputTokenCount + first.Usage.OutputTokenCount));
        });
    }

    [Test]
    public async Task Streaming_YieldsTheSameAnswer()
    {
        var messages = Prompt("When was it founded?", Chunk("1", "It was founded in 1998."));
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in _client.GetStreamingResponseAsync(messages))
        {
            updates.Add(update);
        }

        Assert.That(updates.ToChatResponse().Text, Is.EqualTo((await _client.GetResponseAsync(messages)).Text));
    }

    [Test]
    public void ReportsMetadata_AndHonoursCancellation()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Multiple(() =>
        {
            Assert.That(_client.GetService<ChatClientMetadata>()!.ProviderName, Is.EqualTo("llmstrategies-extractive-baseline"));
            Assert.That(_client.GetService<ExtractiveBaselineChatClient>(), Is.SameAs(_client));
            Assert.That(() => _client.GetResponseAsync([new ChatMessage(ChatRole.User, "q")], cancellationToken: cts.Token), Throws.InstanceOf<OperationCanceledException>());
        });
    }
}
