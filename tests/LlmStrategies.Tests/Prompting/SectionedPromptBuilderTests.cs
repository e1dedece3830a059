using LlmStrategies.Prompting;
using Microsoft.Extensions.AI;
using static LlmStrategies.Tests.TestDoubles.Samples;

namespace LlmStrategies.Tests.Prompting;

public class SectionedPromptBuilderTests
{
    private readonly SectionedPromptBuilder _builder = new();

    [Test]
    public async Task QuestionOnly_IsOneUserMessage()
    {
        var prompt = await _builder.BuildAsync(new PromptContext { Question = "What is RAG?" });

        Assert.Multiple(() =>
        {
            Assert.That(prompt.Messages, Has.Count.EqualTo(1));
            Assert.That(prompt.Messages[0].Role, Is.EqualTo(ChatRole.User));
            Assert.That(prompt.Messages[0].Text, Is.EqualTo("What is RAG?"));
            Assert.That(prompt.StablePrefixLength, Is.Zero);
            Assert.That(prompt.Sections.Select(s => s.Kind), Is.EqualTo(new[] { PromptSectionKind.Question }));
        });
    }

    [Test]
    public async Task LaysOutStableSectionsFirst_ThenExamples_Conversation_ContextAndQuestion()
    {
        var prompt = await _builder.BuildAsync(new PromptContext
        {
            SystemPrompt = "You are a support agent.",
            Instructions = "Answer in one sentence.",
            OutputFormat = "Plain text.",
            Examples = [Example("e1", "Q1", "A1")],
            Conversation = [new ChatMessage(ChatRole.System, "Caller system turn"), new ChatMessage(ChatRole.User, "earlier"), new ChatMessage(ChatRole.Assistant, "reply")],
            Context = [Chunk("c1", "Passage one.", source: "manual"), Chunk("c2", "Passage two.", source: "faq")],
            Question = "What now?",
        });

        Assert.Multiple(() =>
        {
            Assert.That(prompt.Messages.Select(m => m.Role.Value), Is.EqualTo(new[] { "system", "system", "user", "assistant", "user", "assistant", "user" }));
            Assert.That(prompt.Messages[0].Text, Is.EqualTo("You are a support agent.\n\nAnswer in one sentence.\n\nPlain text."));
            Assert.That(prompt.Messages[1].Text, Is.EqualTo("Caller system turn"));
            Assert.That(prompt.Messages[2].Text, Is.EqualTo("Q1"));
            Assert.That(prompt.Messages[3].Text, Is.EqualTo("A1"));
            Assert.That(prompt.Messages[^1].Text, Is.EqualTo(
                PromptText.ContextInstruction + "\n\n<context>\n[1] (source: manual)\nPassage one.\n\n[2] (source: faq)\nPassage two.\n\n</context>\n\nQuestion: What now?"));
            Assert.That(prompt.Sections.Select(s => s.Kind), Is.EqualTo(new[]
            {
                PromptSectionKind.System, PromptSectionKind.Instructions, PromptSectionKind.OutputFormat,
                PromptSectionKind.Examples, PromptSectionKind.Conversation, PromptSectionKind.Context, PromptSectionKind.Question,
            }));
            Assert.That(prompt.Sections.Where(s => s.IsStable).Select(s => s.Kind), Is.EqualTo(new[] { PromptSectionKind.System, PromptSectionKind.Instructions, PromptSectionKind.OutputFormat }));
            Assert.That(prompt.IncludedContext.Select(c => c.ChunkId), Is.EqualTo(new[] { "c1", "c2" }));
        });
    }

    [Test]
    public async Task StablePrefix_IsByteIdenticalAcrossDifferentQuestionsAndContext()
    {
        var one = await _builder.BuildAsync(new PromptContext { SystemPrompt = "S", Instructions = "I", Question = "first", Context = [Chunk("a", "x")] });
        var two = await _builder.BuildAsync(new PromptContext { SystemPrompt = "S", Instructions = "I", Question = "second, longer question" });
        var changed = await _builder.BuildAsync(new PromptContext { SystemPrompt = "S", Instructions = "I!", Question = "first" });

        Assert.Multiple(() =>
        {
            Assert.That(two.StablePrefixHash, Is.EqualTo(one.StablePrefixHash));
            Assert.That(two.Messages[0].Text, Is.EqualTo(one.Messages[0].Text));
            Assert.That(changed.StablePrefixHash, Is.Not.EqualTo(one.StablePrefixHash));
            // The prefix is hashed as "role\ntext\n" per stable message.
            Assert.That(one.StablePrefixLength, Is.EqualTo("system\nS\n\nI\n".Length));
            Assert.That(one.StablePrefixHash, Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("system\nS\n\nI\n"u8))));
        });
    }

    [Test]
    public async Task RenderedContext_RoundTripsThroughTheParserTheBaselineUses()
    {
        var prompt = await _builder.BuildAsync(new PromptContext
        {
            Question = "q?",
            Context = [Chunk("1", "  First passage.\nSecond line.  ", source: "a"), Chunk("2", "Other.", source: "b/c (v2)")],
        });

        var passages = PromptText.ParseContext(prompt.Messages[^1].Text);

        Assert.Multiple(() =>
        {
            Assert.That(passages.Select(p => p.Marker), Is.EqualTo(new[] { 1, 2 }));
            Assert.That(passages.Select(p => p.SourceId), Is.EqualTo(new[] { "a", "b/c (v2)" }));
            Assert.That(passages.Select(p => p.Text), Is.EqualTo(new[] { "First passage.\nSecond line.", "Other." }));
            Assert.That(PromptText.ExtractQuestion(prompt.Messages[^1].Text), Is.EqualTo("q?"));
        });
    }

    [Test]
    public void CancelledToken_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.That(async () => await _builder.BuildAsync(new PromptContext { Question = "q" }, cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }
}
