using LlmStrategies.Evaluation;

namespace LlmStrategies.Tests.Evaluation.Datasets;

/// <summary>Issue 14, item 5: a subset is a seeded, stratified sample, never the first N items.</summary>
public class DatasetSamplerTests
{
    // 10 articles of 30 items, in file order (so the first 60 items are articles 0 and 1 only).
    private static readonly EvaluationDataset Dataset = new("d", Enumerable.Range(0, 300).Select(i => new EvaluationItem
    {
        Id = $"q{i:000}",
        Input = $"question {i}",
        ExpectedOutputs = ["x"],
        Metadata = new Dictionary<string, string> { ["article"] = $"a{i / 30}" },
    }));

    [Test]
    public void AStratifiedSample_KeepsEveryArticlesShare_NotTheFirstArticles()
    {
        var sample = DatasetSampler.Sample(Dataset, 60, seed: 42, stratifyBy: "article");
        var perArticle = sample.Items.GroupBy(i => i.Metadata["article"]).ToDictionary(g => g.Key, g => g.Count());

        Assert.Multiple(() =>
        {
            Assert.That(sample.Items, Has.Count.EqualTo(60));
            Assert.That(perArticle, Has.Count.EqualTo(10));
            Assert.That(perArticle.Values, Is.All.EqualTo(6));
            Assert.That(sample.Items.Select(i => i.Id), Is.Ordered, "file order is kept");
            Assert.That(sample.Sampling!.ToString(), Is.EqualTo("60 of 300 items, sampled by seeded (seed 42) random sampling stratified by 'article' (10 groups, each in proportion)"));
        });
    }

    [Test]
    public void TheSameSeed_GivesTheSameSample_AndAnotherSeedAnother()
    {
        var a = DatasetSampler.Sample(Dataset, 50, seed: 1, stratifyBy: "article").Items.Select(i => i.Id);
        var b = DatasetSampler.Sample(Dataset, 50, seed: 1, stratifyBy: "article").Items.Select(i => i.Id);
        var c = DatasetSampler.Sample(Dataset, 50, seed: 2, stratifyBy: "article").Items.Select(i => i.Id);

        Assert.Multiple(() =>
        {
            Assert.That(b, Is.EqualTo(a));
            Assert.That(c, Is.Not.EqualTo(a));
        });
    }

    [Test]
    public void UnevenShares_AreAllocatedByLargestRemainder_AndSumToTheCount()
    {
        var sample = DatasetSampler.Sample(Dataset, 25, seed: 3, stratifyBy: "article");
        var counts = sample.Items.GroupBy(i => i.Metadata["article"]).Select(g => g.Count()).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(counts.Sum(), Is.EqualTo(25));
            Assert.That(counts, Is.All.InRange(2, 3), "2.5 per article: five get 3, five get 2");
        });
    }

    [Test]
    public void ACountAtLeastTheSize_ReturnsTheDatasetItself()
    {
        Assert.That(DatasetSampler.Sample(Dataset, 300, seed: 1), Is.SameAs(Dataset));
    }

    [Test]
    public void AnUnknownStratificationField_IsAnErrorNamingTheFieldsThatExist()
    {
        Assert.That(() => DatasetSampler.Sample(Dataset, 10, seed: 1, stratifyBy: "articel"),
            Throws.ArgumentException.With.Message.Contains("'articel'").And.Message.Contains("The metadata fields are: article"));
    }
}
