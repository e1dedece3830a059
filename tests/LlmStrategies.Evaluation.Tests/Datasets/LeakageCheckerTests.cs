using LlmStrategies.Evaluation;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.Evaluation.Datasets;

public class LeakageCheckerTests
{
    private static EvaluationItem Test(string id, string input) => new() { Id = id, Input = input, ExpectedOutputs = ["x"] };

    private static LeakageSource Pool(params (string Id, string Text)[] entries) =>
        new("few-shot pool", entries.Select(e => new KeyValuePair<string, string>(e.Id, e.Text)));

    [Test]
    public void ExactDuplicates_AfterNormalisation_AreFound()
    {
        var report = new LeakageChecker().Check([Test("t1", "What is the capital of France?")], [Pool(("p1", "what is  capital of france"))]);

        var finding = report.Findings.Single();
        Assert.Multiple(() =>
        {
            Assert.That(report.IsClean, Is.False);
            Assert.That(finding.Kind, Is.EqualTo(LeakageKind.Exact));
            Assert.That(finding.SourceEntryId, Is.EqualTo("p1"));
            Assert.That(report.LeakingTestItems, Is.EqualTo(new[] { "t1" }));
        });
    }

    [Test]
    public void NearDuplicates_AreFoundWithTheirExactJaccard()
    {
        var checker = new LeakageChecker(new LeakageOptions { NearDuplicateThreshold = 0.6 });
        const string Question = "how long does the warranty on the aurora x3 mesh router last in europe";
        const string Paraphrase = "how long does the warranty on the aurora x3 mesh router last in finland";

        var report = checker.Check([Test("t1", Question), Test("t2", "completely unrelated question about recycling plastic")], [Pool(("p1", Paraphrase), ("p2", "who leads the tampere office"))]);

        var finding = report.Findings.Single();
        Assert.Multiple(() =>
        {
            Assert.That(finding.TestItemId, Is.EqualTo("t1"));
            Assert.That(finding.Kind, Is.EqualTo(LeakageKind.NearDuplicate));
            Assert.That(finding.Similarity, Is.EqualTo(checker.Similarity(Question, Paraphrase)));
            Assert.That(finding.Similarity, Is.EqualTo(9.0 / 11).Within(1e-12)); // 10 trigrams each, 9 shared
        });
    }

    [Test]
    public void BelowTheThreshold_IsClean()
    {
        var report = new LeakageChecker().Check([Test("t1", "How much does the Aurora X3 cost?")], [Pool(("p1", "How much does the Pebble Mini cost?"))]);
        Assert.That(report.IsClean, Is.True);
        Assert.DoesNotThrow(report.ThrowIfLeaking);
    }

    [Test]
    public async Task SemanticDuplicates_AreFoundWithEmbeddings()
    {
        var embeddings = new TestEmbeddingGenerator(new()
        {
            ["How old is the company?"] = [1, 0.1f, 0],
            ["When was the firm founded?"] = [1, 0.12f, 0],
            ["Which colours exist?"] = [0, 0, 1],
        });

        var report = await new LeakageChecker().CheckAsync([Test("t1", "How old is the company?")], [Pool(("p1", "Which colours exist?"), ("p2", "When was the firm founded?"))], embeddings);

        var finding = report.Findings.Single();
        Assert.Multiple(() =>
        {
            Assert.That(finding.Kind, Is.EqualTo(LeakageKind.Semantic));
            Assert.That(finding.SourceEntryId, Is.EqualTo("p2"));
            Assert.That(finding.Similarity, Is.GreaterThan(0.99));
        });
    }

    [Test]
    public void ThrowIfLeaking_NamesTheItems()
    {
        var report = new LeakageChecker().Check([Test("t1", "Same text")], [LeakageSource.FromDocuments([new SourceDocument { Id = "d1", Text = "same text." }])]);
        var ex = Assert.Throws<DataLeakageException>(report.ThrowIfLeaking);
        Assert.That(ex!.Message, Does.Contain("t1 ~ RAG corpus:d1"));
    }
}
