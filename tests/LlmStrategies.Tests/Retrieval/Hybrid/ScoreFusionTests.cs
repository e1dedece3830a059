using LlmStrategies.Retrieval.Hybrid;

namespace LlmStrategies.Tests.Retrieval.Hybrid;

public class ScoreFusionTests
{
    private static FusionCandidate<string>[] List(params (string Key, double Score)[] results) =>
        results.Select(r => new FusionCandidate<string>(r.Key, r.Key, r.Score)).ToArray();

    [Test]
    public void ExactTies_AreOrderedLikeTrecEval_KeyDescending_WhateverTheListOrder()
    {
        // Three results with the same reciprocal-rank contributions: x and y at rank 1 in one list each, z nowhere tied.
        var first = List(("doc-a", 3), ("doc-c", 1));
        var second = List(("doc-b", 3), ("doc-c", 1));

        var forward = ScoreFusion.Fuse([first, second], [1.0, 1.0], FusionMethod.ReciprocalRank);
        var backward = ScoreFusion.Fuse([second, first], [1.0, 1.0], FusionMethod.ReciprocalRank);

        Assert.Multiple(() =>
        {
            // doc-c: 2/62 > doc-a = doc-b = 1/61; the tie goes to the larger key, as trec_eval's comp_sim_docno sorts.
            Assert.That(forward.Select(r => r.Key), Is.EqualTo(new[] { "doc-c", "doc-b", "doc-a" }));
            Assert.That(backward.Select(r => r.Key), Is.EqualTo(forward.Select(r => r.Key)), "the order must not depend on which list came first");
            Assert.That(forward[1].Score, Is.EqualTo(forward[2].Score));
        });
    }

    [Test]
    public void ARepeatedKey_CountsOnceAtItsBestRank()
    {
        var fused = ScoreFusion.Fuse([List(("a", 5), ("b", 4), ("a", 3))], [1.0], FusionMethod.ReciprocalRank, rrfK: 60);

        Assert.Multiple(() =>
        {
            Assert.That(fused.Select(r => r.Key), Is.EqualTo(new[] { "a", "b" }));
            Assert.That(fused[0].Score, Is.EqualTo(1.0 / 61).Within(1e-15));
            Assert.That(fused[1].Score, Is.EqualTo(1.0 / 62).Within(1e-15));
        });
    }

    [Test]
    public void BadInput_IsRejected_NamingWhatIsWrong()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => ScoreFusion.Fuse([List(("a", 1))], [1.0, 2.0], FusionMethod.MinMax), Throws.ArgumentException.With.Message.Contains("1 lists but 2 weights"));
            Assert.That(() => ScoreFusion.Fuse([List(("a", 1))], [double.NaN], FusionMethod.MinMax), Throws.ArgumentException.With.Message.Contains("Weight 0"));
            Assert.That(() => ScoreFusion.Fuse([List(("a", double.PositiveInfinity))], [1.0], FusionMethod.ZScore), Throws.ArgumentException.With.Message.Contains("'a'"));
        });
    }
}
