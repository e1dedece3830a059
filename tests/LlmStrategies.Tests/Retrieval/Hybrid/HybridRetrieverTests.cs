using Microsoft.Extensions.Options;
using LlmStrategies.Retrieval.Hybrid;
using LlmStrategies.Tests.TestDoubles;
using static LlmStrategies.Tests.TestDoubles.Samples;

namespace LlmStrategies.Tests.Retrieval.Hybrid;

public class HybridRetrieverTests
{
    private static readonly HybridRetrieverOptions Rrf = new() { Method = FusionMethod.ReciprocalRank };

    private static RetrievedChunk C(string id, double score, string? source = null) => Chunk(id, "text of " + id, score, source);

    private static async Task<List<(string Id, double Score)>> Run(HybridRetriever hybrid, int top = 10) =>
        (await hybrid.RetrieveAsync(new RetrievalRequest("q", top))).Select(c => (c.ChunkId, c.Score)).ToList();

    [Test]
    public async Task ReciprocalRankFusion_HasTheTextbookScores()
    {
        var hybrid = new HybridRetriever([new(TestRetriever.Returning(C("a", 9), C("b", 5))), new(TestRetriever.Returning(C("b", 0.9), C("c", 0.8)))], Rrf);

        var fused = await Run(hybrid);

        Assert.Multiple(() =>
        {
            Assert.That(fused.Select(f => f.Id), Is.EqualTo(new[] { "b", "a", "c" }));
            Assert.That(fused[0].Score, Is.EqualTo((1.0 / 62) + (1.0 / 61)).Within(1e-15));
            Assert.That(fused[1].Score, Is.EqualTo(1.0 / 61).Within(1e-15));
            Assert.That(fused[2].Score, Is.EqualTo(1.0 / 62).Within(1e-15));
        });
    }

    [Test]
    public async Task Weights_AreHonoured()
    {
        // The same two lists; only the weights decide which list's top result wins.
        var keyword = TestRetriever.Returning(C("k", 1));
        var vector = TestRetriever.Returning(C("v", 1));

        var favourKeyword = await Run(new HybridRetriever([new(keyword, 2.0), new(vector, 1.0)], Rrf));
        var favourVector = await Run(new HybridRetriever([new(keyword, 1.0), new(vector, 2.0)], Rrf));

        Assert.Multiple(() =>
        {
            Assert.That(favourKeyword.Select(f => f.Id), Is.EqualTo(new[] { "k", "v" }));
            Assert.That(favourKeyword[0].Score, Is.EqualTo(2.0 / 61).Within(1e-15));
            Assert.That(favourVector.Select(f => f.Id), Is.EqualTo(new[] { "v", "k" }));
        });
    }

    [Test]
    public async Task AChunkFoundByBothRetrievers_AppearsOnce_WithBothContributions()
    {
        var hybrid = new HybridRetriever([new(TestRetriever.Returning(C("x", 1), C("y", 1))), new(TestRetriever.Returning(C("x", 1)))], Rrf);

        var fused = await Run(hybrid);

        Assert.Multiple(() =>
        {
            Assert.That(fused.Select(f => f.Id), Is.EqualTo(new[] { "x", "y" }));
            Assert.That(fused[0].Score, Is.EqualTo(2.0 / 61).Within(1e-15));
        });
    }

    [Test]
    public async Task ADuplicateWithinOneList_CountsOnlyItsBestRank()
    {
        var hybrid = new HybridRetriever([new(TestRetriever.Returning(C("x", 3), C("y", 2), C("x", 1)))], Rrf);

        var fused = await Run(hybrid);

        Assert.Multiple(() =>
        {
            Assert.That(fused.Select(f => f.Id), Is.EqualTo(new[] { "x", "y" }));
            Assert.That(fused[0].Score, Is.EqualTo(1.0 / 61).Within(1e-15));
        });
    }

    [Test]
    public async Task DeduplicatingBySourceDocument_KeepsOneChunkPerDocument()
    {
        var hybrid = new HybridRetriever(
            [new(TestRetriever.Returning(C("d1#0", 3, "d1"), C("d1#1", 2, "d1"), C("d2#0", 1, "d2"))), new(TestRetriever.Returning(C("d1#1", 1, "d1")))],
            new HybridRetrieverOptions { Method = FusionMethod.ReciprocalRank, DeduplicateBy = FusionKey.SourceDocument });

        var fused = await hybrid.RetrieveAsync(new RetrievalRequest("q", 10));

        Assert.Multiple(() =>
        {
            Assert.That(fused.Select(f => f.SourceId), Is.EqualTo(new[] { "d1", "d2" }));
            Assert.That(fused[0].ChunkId, Is.EqualTo("d1#0"));
            Assert.That(fused[0].Score, Is.EqualTo(2.0 / 61).Within(1e-15));
        });
    }

    [Test]
    public async Task MinMaxFusion_ScalesEachListToZeroOne()
    {
        var hybrid = new HybridRetriever(
            [new(TestRetriever.Returning(C("a", 10), C("b", 6), C("c", 2))), new(TestRetriever.Returning(C("c", 0.9), C("a", 0.1)), 0.5)],
            new HybridRetrieverOptions { Method = FusionMethod.MinMax });

        var fused = await Run(hybrid);

        Assert.Multiple(() =>
        {
            // a: 1 + 0.5·0; b: 0.5 + 0 (missing); c: 0 + 0.5·1. b and c tie: the key in descending order (trec_eval's) puts c first.
            Assert.That(fused.Select(f => f.Id), Is.EqualTo(new[] { "a", "c", "b" }));
            Assert.That(fused.Select(f => f.Score), Is.EqualTo(new[] { 1.0, 0.5, 0.5 }).Within(1e-12));
        });
    }

    [Test]
    public async Task ZScoreFusion_GivesMissingResultsTheListsLowestScore()
    {
        var hybrid = new HybridRetriever(
            [new(TestRetriever.Returning(C("a", 3), C("b", 1))), new(TestRetriever.Returning(C("c", 5), C("a", 1)))],
            new HybridRetrieverOptions { Method = FusionMethod.ZScore });

        var fused = await Run(hybrid);

        // Each list has z-scores +1 and −1: a = 1 + (−1) = 0; b = −1 + (−1, missing) = −2; c = (−1, missing) + 1 = 0.
        // a and c tie: the key in descending order (trec_eval's) puts c first.
        Assert.Multiple(() =>
        {
            Assert.That(fused.Select(f => f.Id), Is.EqualTo(new[] { "c", "a", "b" }));
            Assert.That(fused.Select(f => f.Score), Is.EqualTo(new[] { 0.0, 0.0, -2.0 }).Within(1e-12));
        });
    }

    [Test]
    public async Task QueriesAllRetrieversConcurrently_WithTheCandidateDepth()
    {
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = new TestRetriever(async (_, ct) =>
        {
            firstStarted.SetResult();
            await secondStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            return [C("a", 1)];
        });
        var second = new TestRetriever(async (_, ct) =>
        {
            secondStarted.SetResult();
            await firstStarted.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
            return [C("b", 1)];
        });

        var fused = await new HybridRetriever([new(first), new(second)], new HybridRetrieverOptions { CandidatesPerRetriever = 40 }).RetrieveAsync(new RetrievalRequest("q", 5));

        Assert.Multiple(() =>
        {
            Assert.That(fused, Has.Count.EqualTo(2));
            Assert.That(first.Requests.Single().Top, Is.EqualTo(40));
        });
    }

    [Test]
    public void TheDefaultFusion_IsZScore()
    {
        Assert.That(new HybridRetrieverOptions().Method, Is.EqualTo(FusionMethod.ZScore));
    }

    [Test]
    public void InvalidConfigurations_AreRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new HybridRetriever([]), Throws.ArgumentException);
            Assert.That(() => new WeightedRetriever(TestRetriever.Returning(), 0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("positive"));
            Assert.That(() => new HybridRetriever([new(TestRetriever.Returning())], new HybridRetrieverOptions { RrfK = 0 }), Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("HybridRetrieverOptions.RrfK"));
        });
    }

    [Test]
    public async Task WithFusion_KeepsTheRetrievers_AndChangesOnlyMethodAndWeights()
    {
        var keyword = TestRetriever.Returning(C("k", 1));
        var vector = TestRetriever.Returning(C("v", 1));
        var hybrid = new HybridRetriever([new(keyword, 1, "bm25"), new(vector, 1, "vector")], new HybridRetrieverOptions { CandidatesPerRetriever = 7 });

        var tuned = hybrid.WithFusion(new HybridRetrieverOptions { Method = FusionMethod.ReciprocalRank, CandidatesPerRetriever = 7 }, [1, 2]);

        Assert.Multiple(() =>
        {
            Assert.That(tuned.Retrievers.Select(r => (r.Retriever, r.Name, r.Weight)), Is.EqualTo(new[] { ((IRetriever)keyword, "bm25", 1.0), (vector, "vector", 2.0) }));
            Assert.That(tuned.Options.Method, Is.EqualTo(FusionMethod.ReciprocalRank));
            Assert.That(hybrid.Options.Method, Is.EqualTo(FusionMethod.ZScore), "the original is unchanged");
            Assert.That(hybrid.Retrievers.Select(r => r.Weight), Is.EqualTo(new[] { 1.0, 1.0 }));
        });
        Assert.That((await Run(tuned)).Select(f => f.Id), Is.EqualTo(new[] { "v", "k" }), "the vector list now weighs twice");
    }

    [Test]
    public void WithFusion_NeedsOneWeightPerRetriever()
    {
        var hybrid = new HybridRetriever([new(TestRetriever.Returning()), new(TestRetriever.Returning())]);

        Assert.Multiple(() =>
        {
            Assert.That(() => hybrid.WithFusion(new HybridRetrieverOptions(), [1]), Throws.ArgumentException.With.Message.Contains("2 retrievers but 1 weights"));
            Assert.That(() => hybrid.WithFusion(new HybridRetrieverOptions(), [1, 0]), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void Options_IsACopy()
    {
        var hybrid = new HybridRetriever([new(TestRetriever.Returning())], new HybridRetrieverOptions { RrfK = 10 });

        var options = hybrid.Options;
        options.RrfK = 99;

        Assert.That(hybrid.Options.RrfK, Is.EqualTo(10));
    }

    [Test]
    public void TheFingerprint_FollowsTheFusionSettings()
    {
        var hybrid = new HybridRetriever([new(TestRetriever.Returning(), 1, "a"), new(TestRetriever.Returning(), 1, "b")]);
        static string Fingerprint(HybridRetriever r) => new FingerprintBuilder().AddComponent("r", r).Build().Value;

        Assert.Multiple(() =>
        {
            Assert.That(Fingerprint(hybrid.WithFusion(hybrid.Options, [1, 1])), Is.EqualTo(Fingerprint(hybrid)));
            Assert.That(Fingerprint(hybrid.WithFusion(hybrid.Options, [1, 0.5])), Is.Not.EqualTo(Fingerprint(hybrid)));
        });
    }
}
