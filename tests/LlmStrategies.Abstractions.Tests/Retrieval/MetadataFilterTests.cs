using LlmStrategies;

namespace LlmStrategies.Abstractions.Tests.Retrieval;

public class MetadataFilterTests
{
    private static readonly Dictionary<string, string> Router = new() { ["product"] = "router", ["language"] = "en" };

    [Test]
    public void Matches_WhenEveryConditionHolds()
    {
        var filter = MetadataFilter.Where("product", "router", "modem").And("language", "en");

        Assert.That(filter.Matches(Router), Is.True);
    }

    [Test]
    public void DoesNotMatch_WhenAValueDiffersOrTheFieldIsMissing()
    {
        Assert.Multiple(() =>
        {
            Assert.That(MetadataFilter.Where("product", "modem").Matches(Router), Is.False);
            Assert.That(MetadataFilter.Where("region", "eu").Matches(Router), Is.False);
            Assert.That(MetadataFilter.Where("product", "router").And("language", "de").Matches(Router), Is.False);
        });
    }

    [Test]
    public void ComparesOrdinally()
    {
        Assert.That(MetadataFilter.Where("product", "Router").Matches(Router), Is.False);
    }

    [Test]
    public void And_LeavesTheOriginalUnchanged()
    {
        var first = MetadataFilter.Where("product", "router");
        var second = first.And("language", "de");

        Assert.Multiple(() =>
        {
            Assert.That(first.Conditions, Has.Count.EqualTo(1));
            Assert.That(second.Conditions, Has.Count.EqualTo(2));
            Assert.That(first.Matches(Router), Is.True);
            Assert.That(second.Matches(Router), Is.False);
        });
    }

    [Test]
    public void CopiesTheValues_SoLaterChangesToTheCallersArrayDoNotLeakIn()
    {
        var values = new[] { "router" };
        var filter = MetadataFilter.Where("product", values);
        values[0] = "modem";

        Assert.That(filter.Matches(Router), Is.True);
    }

    [Test]
    public void RejectsEmptyFieldsAndValueLists_WithSpecificMessages()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => MetadataFilter.Where(" ", "x"), Throws.ArgumentException);
            Assert.That(() => MetadataFilter.Where("product"), Throws.ArgumentException.With.Message.Contains("'product' lists no allowed values"));
            Assert.That(() => MetadataFilter.Where("product", [null!]), Throws.ArgumentException.With.Message.Contains("null value"));
        });
    }

    [Test]
    public void ToString_DescribesTheConditions()
    {
        Assert.That(MetadataFilter.Where("product", "a", "b").And("lang", "en").ToString(), Is.EqualTo("product IN (a, b) AND lang IN (en)"));
    }
}
