using LlmStrategies.FewShot;
using LlmStrategies.FewShot.Selectors;
using LlmStrategies.FewShot.Store;
using LlmStrategies.Prompting;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.FewShot.Selectors;

public class SelectorTests
{
    private static FewShotExample Example(string id, string input, string? label = null, string output = "answer") =>
        new() { Id = id, Input = input, Output = output, Label = label };

    private static ExampleStore Store() => ExampleStore.InMemory(
    [
        Example("w1", "How long is the router warranty?", "warranty"),
        Example("w2", "Does the warranty cover power surges?", "warranty"),
        Example("r1", "Can I return an opened router?", "returns"),
        Example("r2", "What is the restocking fee for returns?", "returns"),
        Example("p1", "How much does the Aurora X3 cost?", "pricing"),
        Example("p2", "Is the Pebble sold in packs?", "pricing"),
    ]);

    [Test]
    public async Task Random_IsReproducibleForASeedAndInput_AndVariesWithThem()
    {
        using var store = Store();
        var a = new RandomFewShotSelector(store, seed: 1);

        var first = await a.SelectAsync(new FewShotRequest("question one", 3));
        var again = await new RandomFewShotSelector(store, seed: 1).SelectAsync(new FewShotRequest("question one", 3));
        var choices = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            choices.Add(string.Join(",", (await a.SelectAsync(new FewShotRequest($"question {i}", 3))).Select(e => e.Id)));
        }

        Assert.Multiple(() =>
        {
            Assert.That(again.Select(e => e.Id), Is.EqualTo(first.Select(e => e.Id)));
            Assert.That(first, Has.Count.EqualTo(3));
            Assert.That(choices, Has.Count.GreaterThan(5), "different inputs get different draws");
        });
    }

    [Test]
    public async Task Random_NeverPicksTheInputItself()
    {
        using var store = Store();
        for (var seed = 0; seed < 30; seed++)
        {
            var chosen = await new RandomFewShotSelector(store, seed).SelectAsync(new FewShotRequest("How long is the router warranty?", 6));
            Assert.That(chosen.Select(e => e.Id), Does.Not.Contain("w1"));
        }
    }

    [Test]
    public async Task Lexical_PicksTheMostSimilarInputs_MostSimilarLast_WithScores()
    {
        using var store = Store();
        using var selector = new LexicalFewShotSelector(store);

        var chosen = await selector.SelectAsync(new FewShotRequest("Is the restocking fee charged on returns of opened routers?", 2));

        Assert.Multiple(() =>
        {
            Assert.That(chosen.Select(e => e.Id), Is.EqualTo(new[] { "r1", "r2" }));
            Assert.That(chosen[1].Score!.Value, Is.GreaterThan(chosen[0].Score!.Value));
        });
    }

    [Test]
    public async Task Lexical_SeesStoreChanges_AndGuardsAgainstLeakage()
    {
        using var store = Store();
        using var selector = new LexicalFewShotSelector(store, FewShotOrder.MostSimilarFirst);
        _ = await selector.SelectAsync(new FewShotRequest("warmup", 1));

        await store.UpsertAsync([Example("s1", "How fast is shipping to Norway?")]);
        var afterAdd = await selector.SelectAsync(new FewShotRequest("shipping to Norway", 1));
        var leak = await selector.SelectAsync(new FewShotRequest("How fast is shipping to Norway?", 1));

        Assert.Multiple(() =>
        {
            Assert.That(afterAdd.Single().Id, Is.EqualTo("s1"));
            Assert.That(leak.Select(e => e.Id), Does.Not.Contain("s1"));
        });
    }

    [Test]
    public async Task LabelBalanced_TakesTheBestOfEachLabelInTurn()
    {
        using var store = Store();
        using var lexical = new LexicalFewShotSelector(store);
        var balanced = new LabelBalancedFewShotSelector(lexical, candidateFactor: 3, order: FewShotOrder.MostSimilarFirst);

        var chosen = await balanced.SelectAsync(new FewShotRequest("warranty warranty router returns cost", 3));

        Assert.That(chosen.Select(e => e.Label), Is.EquivalentTo(new[] { "warranty", "returns", "pricing" }));
    }

    [Test]
    public async Task TokenBudget_SkipsAnExampleTooLargeForTheBudget_AndKeepsTheRest()
    {
        var huge = Example("huge", "router warranty " + string.Join(' ', Enumerable.Repeat("lorem", 500)));
        var ranked = TestFewShotSelector.Returning(
            new FewShotExample { Id = "a", Input = "router warranty", Output = "two years", Score = 1.0 },
            new FewShotExample { Id = "huge", Input = huge.Input, Output = "x", Score = 0.9 },
            new FewShotExample { Id = "b", Input = "warranty claims", Output = "online", Score = 0.5 });
        var tokenizer = PromptTokenizers.O200kBase;
        var smallTwo = tokenizer.CountTokens("router warranty") + tokenizer.CountTokens("two years") + tokenizer.CountTokens("warranty claims") + tokenizer.CountTokens("online");

        var chosen = await new TokenBudgetFewShotSelector(ranked, tokenizer, "o200k_base", maxTokens: smallTwo).SelectAsync(new FewShotRequest("q", 3));
        var oneTokenLess = await new TokenBudgetFewShotSelector(ranked, tokenizer, "o200k_base", maxTokens: smallTwo - 1).SelectAsync(new FewShotRequest("q", 3));

        Assert.Multiple(() =>
        {
            Assert.That(chosen.Select(e => e.Id), Is.EqualTo(new[] { "b", "a" }), "exact fit keeps both small examples, most similar last");
            Assert.That(oneTokenLess.Select(e => e.Id), Is.EqualTo(new[] { "a" }));
        });
    }
}
