using Microsoft.Extensions.Options;
using LlmStrategies.Prompting;
using Microsoft.Extensions.AI;
using static LlmStrategies.Tests.TestDoubles.Samples;

namespace LlmStrategies.Tests.Prompting;

public class SectionedPromptBuilderBudgetTests
{
    private static readonly Microsoft.ML.Tokenizers.Tokenizer Tokenizer = PromptTokenizers.O200kBase;

    private static int Tokens(string text) => Tokenizer.CountTokens(text);

    private static SectionedPromptBuilder Builder(PromptBudget? budget = null, bool stableExamples = false) =>
        new(new SectionedPromptBuilderOptions { Tokenizer = Tokenizer, TokenizerName = "o200k_base", Budget = budget, ExamplesAreStable = stableExamples });

    private static readonly PromptContext Full = new()
    {
        SystemPrompt = "You are a support agent for Brightwater routers.",
        Instructions = "Answer in one sentence and cite passages.",
        Question = "How long is the warranty?",
        Examples =
        [
            new FewShotExample { Id = "e1", Input = "Where is the company based?", Output = "In Tampere [1].", Score = 0.2 },
            new FewShotExample { Id = "e2", Input = "What does the Aurora X3 cost?", Output = "349 euros [2].", Score = 0.9 },
            new FewShotExample { Id = "e3", Input = "How are Pebble nodes sold?", Output = "In packs of two [1].", Score = 0.5 },
        ],
        Context =
        [
            Chunk("c1", "Every router comes with a three-year limited warranty.", source: "warranty"),
            Chunk("c2", "Warranty claims are filed through the portal.", source: "warranty"),
            Chunk("c3", "Unopened products can be returned within 45 days.", source: "returns"),
        ],
        Conversation = [new ChatMessage(ChatRole.User, "Hi, I bought a router."), new ChatMessage(ChatRole.Assistant, "Great, how can I help?")],
    };

    [Test]
    public async Task TokenCount_IsTheExactCountOfTheRenderedMessagesWithOverhead()
    {
        var prompt = await Builder().BuildAsync(Full);

        var expected = prompt.Messages.Sum(m => 3 + Tokens(m.Text)) + 3;
        Assert.Multiple(() =>
        {
            Assert.That(prompt.TokenCount, Is.EqualTo(expected));
            Assert.That(prompt.StablePrefixTokenCount, Is.EqualTo(3 + Tokens(prompt.Messages[0].Text)));
            Assert.That(prompt.Sections.Single(s => s.Kind == PromptSectionKind.Question).TokenCount, Is.EqualTo(Tokens("How long is the warranty?")));
        });
    }

    [Test]
    public async Task ExactFit_KeepsEverything_AndOneTokenLessDropsTheLowestRankedExample()
    {
        var total = (await Builder().BuildAsync(Full)).TokenCount!.Value;

        var exact = await Builder(new PromptBudget { MaxTotalTokens = total }).BuildAsync(Full);
        var oneLess = await Builder(new PromptBudget { MaxTotalTokens = total - 1 }).BuildAsync(Full);

        Assert.Multiple(() =>
        {
            Assert.That(exact.TokenCount, Is.EqualTo(total));
            Assert.That(exact.IncludedExamples, Has.Count.EqualTo(3));
            Assert.That(exact.IncludedContext, Has.Count.EqualTo(3));
            Assert.That(oneLess.TokenCount, Is.LessThanOrEqualTo(total - 1));
            Assert.That(oneLess.IncludedExamples.Select(e => e.Id), Is.EqualTo(new[] { "e2", "e3" }), "e1 has the lowest score; the others keep their order");
            Assert.That(oneLess.IncludedContext, Has.Count.EqualTo(3), "examples give way before context");
        });
    }

    [Test]
    public async Task MandatoryPartsOverBudget_FailWithTheCounts_EvenByOneToken()
    {
        var mandatoryOnly = new PromptContext { SystemPrompt = Full.SystemPrompt, Instructions = Full.Instructions, Question = Full.Question };
        var mandatory = (await Builder().BuildAsync(mandatoryOnly)).TokenCount!.Value;

        var fits = await Builder(new PromptBudget { MaxTotalTokens = mandatory }).BuildAsync(Full);
        var ex = Assert.ThrowsAsync<PromptBudgetExceededException>(async () => await Builder(new PromptBudget { MaxTotalTokens = mandatory - 1 }).BuildAsync(Full));

        Assert.Multiple(() =>
        {
            Assert.That(fits.IncludedExamples, Is.Empty);
            Assert.That(fits.IncludedContext, Is.Empty);
            Assert.That(fits.Messages.Select(m => m.Role), Is.EqualTo(new[] { ChatRole.System, ChatRole.User }), "conversation dropped too; question and instructions kept");
            Assert.That(fits.Messages[^1].Text, Is.EqualTo(Full.Question));
            Assert.That(ex!.MandatoryTokens, Is.EqualTo(mandatory));
            Assert.That(ex.Budget, Is.EqualTo(mandatory - 1));
            Assert.That(ex.Message, Does.Contain($"take {mandatory} tokens").And.Contain($"budget of {mandatory - 1}").And.Contain("question"));
        });
    }

    [Test]
    public async Task AHugeExample_IsDroppedFromItsSection_WhileSmallerOnesFit()
    {
        var huge = new FewShotExample { Id = "huge", Input = string.Join(' ', Enumerable.Repeat("router firmware", 400)), Output = "x", Score = 1.0 };
        var context = new PromptContext { Question = "q?", Examples = [.. Full.Examples, huge] };

        var prompt = await Builder(new PromptBudget { MaxExampleTokens = 60 }).BuildAsync(context);

        Assert.Multiple(() =>
        {
            Assert.That(prompt.IncludedExamples.Select(e => e.Id), Does.Not.Contain("huge"));
            Assert.That(prompt.IncludedExamples, Is.Not.Empty);
            Assert.That(prompt.Sections.Single(s => s.Kind == PromptSectionKind.Examples).TokenCount, Is.LessThanOrEqualTo(60));
        });
    }

    [Test]
    public async Task ContextBudget_DropsTheLowestRankedChunksFirst()
    {
        var one = Tokens(PromptText.RenderContextEntry(1, Full.Context[0]));
        var two = one + Tokens(PromptText.RenderContextEntry(2, Full.Context[1]));

        var prompt = await Builder(new PromptBudget { MaxContextTokens = two }).BuildAsync(Full);

        Assert.That(prompt.IncludedContext.Select(c => c.ChunkId), Is.EqualTo(new[] { "c1", "c2" }));
    }

    [Test]
    public async Task ConversationBudget_DropsTheOldestTurnsFirst()
    {
        var newest = 3 + Tokens("Great, how can I help?");

        var prompt = await Builder(new PromptBudget { MaxConversationTokens = newest }).BuildAsync(Full);

        Assert.That(prompt.Messages.Where(m => m.Role == ChatRole.Assistant).Select(m => m.Text), Does.Contain("Great, how can I help?").And.Not.Contain("Hi, I bought a router."));
    }

    [Test]
    public async Task DropOrder_IsConfigurable()
    {
        var total = (await Builder().BuildAsync(Full)).TokenCount!.Value;

        var prompt = await Builder(new PromptBudget { MaxTotalTokens = total - 1, DropOrder = [PromptSectionKind.Context] }).BuildAsync(Full);

        Assert.Multiple(() =>
        {
            Assert.That(prompt.IncludedExamples, Has.Count.EqualTo(3));
            Assert.That(prompt.IncludedContext.Select(c => c.ChunkId), Is.EqualTo(new[] { "c1", "c2" }));
        });
    }

    [Test]
    public async Task StableExamples_JoinTheCacheablePrefix()
    {
        var first = await Builder(stableExamples: true).BuildAsync(Full);
        var second = await Builder(stableExamples: true).BuildAsync(new PromptContext { SystemPrompt = Full.SystemPrompt, Instructions = Full.Instructions, Examples = Full.Examples, Question = "Something else entirely?" });

        Assert.Multiple(() =>
        {
            Assert.That(first.StablePrefixHash, Is.EqualTo(second.StablePrefixHash));
            Assert.That(first.StablePrefixTokenCount, Is.EqualTo(first.Messages.Take(7).Sum(m => 3 + Tokens(m.Text))));
            Assert.That(first.Sections.Single(s => s.Kind == PromptSectionKind.Examples).IsStable, Is.True);
        });
    }

    [Test]
    public async Task StablePrefix_StaysByteIdentical_AcrossAThousandVariedInputs()
    {
        var builder = Builder(new PromptBudget { MaxTotalTokens = 600 });
        var random = new Random(1);
        var hashes = new HashSet<string>();
        for (var i = 0; i < 1_000; i++)
        {
            var context = new PromptContext
            {
                SystemPrompt = Full.SystemPrompt,
                Instructions = Full.Instructions,
                Question = $"Question {i}: what about {string.Join(' ', Enumerable.Range(0, random.Next(1, 30)).Select(_ => random.Next(1000)))}?",
                Examples = Full.Examples.OrderBy(_ => random.Next()).Take(random.Next(0, 4)).ToArray(),
                Context = Full.Context.Take(random.Next(0, 4)).ToArray(),
            };
            hashes.Add((await builder.BuildAsync(context)).StablePrefixHash);
        }

        Assert.That(hashes, Has.Count.EqualTo(1));
    }

    [Test]
    public void InvalidBudgets_AreRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new SectionedPromptBuilder(new SectionedPromptBuilderOptions { Budget = new PromptBudget { MaxTotalTokens = 10 } }),
                Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("needs SectionedPromptBuilderOptions.Tokenizer"));
            Assert.That(() => Builder(new PromptBudget { MaxContextTokens = -1 }), Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("MaxContextTokens is -1"));
            Assert.That(() => Builder(new PromptBudget { DropOrder = [PromptSectionKind.Question] }), Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("never cut"));
        });
    }
}
