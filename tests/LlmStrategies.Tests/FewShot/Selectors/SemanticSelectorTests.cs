using LlmStrategies.FewShot;
using LlmStrategies.FewShot.Selectors;
using LlmStrategies.FewShot.Store;
using LlmStrategies.Retrieval.Reranking;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.FewShot.Selectors;

public class SemanticSelectorTests
{
    private static FewShotExample Example(string id, string input) => new() { Id = id, Input = input, Output = "answer " + id };

    [Test]
    public async Task Semantic_PicksTheExamplesNearestInMeaning_WithTheLocalModel()
    {
        using var store = ExampleStore.InMemory(
        [
            Example("refund", "Can I get my money back for a router I opened?"),
            Example("wifi", "My wireless signal keeps dropping in the bedroom."),
            Example("price", "What does the flagship model cost?"),
            Example("hours", "When can I call your support line?"),
        ]);
        using var selector = new SemanticFewShotSelector(store, LocalModel.Generator, new SemanticFewShotOptions { Order = FewShotOrder.MostSimilarFirst });

        var chosen = await selector.SelectAsync(new FewShotRequest("Is it possible to return an unboxed device for a refund?", 1));

        Assert.Multiple(() =>
        {
            Assert.That(chosen.Single().Id, Is.EqualTo("refund"));
            Assert.That(chosen.Single().Score!.Value, Is.GreaterThan(0.4));
        });
    }

    [Test]
    public async Task Semantic_NeverPicksTheInputItself_AndFollowsStoreChanges()
    {
        using var store = ExampleStore.InMemory([Example("a", "How long is the warranty on the router?"), Example("b", "How much does shipping cost?")]);
        using var selector = new SemanticFewShotSelector(store, LocalModel.Generator, new SemanticFewShotOptions { Order = FewShotOrder.MostSimilarFirst });

        var leak = await selector.SelectAsync(new FewShotRequest("How long is the warranty on the router?", 2));
        await store.UpsertAsync([Example("c", "What is the guarantee period for my device?")]);
        await store.RemoveAsync(["b"]);
        var afterChange = await selector.SelectAsync(new FewShotRequest("warranty length", 5));

        Assert.Multiple(() =>
        {
            Assert.That(leak.Select(e => e.Id), Is.EqualTo(new[] { "b" }));
            Assert.That(afterChange.Select(e => e.Id), Is.EquivalentTo(new[] { "a", "c" }));
        });
    }

    [Test]
    public async Task Mmr_TradesANearDuplicateForADifferentExample_AsLambdaFalls()
    {
        // With bag-of-words vectors, the two "warranty" examples are almost the same; "shipping" is different.
        using var store = ExampleStore.InMemory(
        [
            Example("w1", "router warranty years claims"),
            Example("w2", "router warranty years claims policy"),
            Example("s", "router shipping courier days"),
        ]);
        var embeddings = new HashingEmbeddingGenerator();
        using var relevanceOnly = new MmrFewShotSelector(store, embeddings, new SemanticFewShotOptions { Lambda = 1.0, Order = FewShotOrder.MostSimilarFirst, NearDuplicateSimilarity = 1.0 });
        using var diverse = new MmrFewShotSelector(store, embeddings, new SemanticFewShotOptions { Lambda = 0.3, Order = FewShotOrder.MostSimilarFirst, NearDuplicateSimilarity = 1.0 });

        var byRelevance = await relevanceOnly.SelectAsync(new FewShotRequest("router warranty", 2));
        var byDiversity = await diverse.SelectAsync(new FewShotRequest("router warranty", 2));

        Assert.Multiple(() =>
        {
            Assert.That(byRelevance.Select(e => e.Id), Is.EquivalentTo(new[] { "w1", "w2" }));
            Assert.That(byDiversity.Select(e => e.Id), Does.Contain("s"));
            Assert.That(byDiversity.Select(e => e.Id).Intersect(["w1", "w2"]).Count(), Is.EqualTo(1));
        });
    }

    [Test]
    public void MmrScoringLoop_AllocatesNothing()
    {
        const int N = 200;
        const int D = 64;
        var random = new Random(3);
        var rows = new float[N * D];
        var relevance = new float[N];
        for (var i = 0; i < N; i++)
        {
            var row = rows.AsSpan(i * D, D);
            for (var j = 0; j < D; j++)
            {
                row[j] = (float)random.NextDouble();
            }

            MaximalMarginalRelevance.Normalize(row, row);
            relevance[i] = (float)random.NextDouble();
        }

        var selected = new int[5];
        var scores = new float[5];
        var redundancy = new float[N];
        MaximalMarginalRelevance.Select(rows, D, relevance, 0.7, selected, scores, redundancy);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++)
        {
            MaximalMarginalRelevance.Select(rows, D, relevance, 0.7, selected, scores, redundancy);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
