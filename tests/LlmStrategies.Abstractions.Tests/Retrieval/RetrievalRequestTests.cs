using LlmStrategies;

namespace LlmStrategies.Abstractions.Tests.Retrieval;

public class RetrievalRequestTests
{
    [Test]
    public void KeepsItsArguments()
    {
        var filter = MetadataFilter.Where("a", "b");
        var request = new RetrievalRequest("warranty", 7, filter);

        Assert.Multiple(() =>
        {
            Assert.That(request.Query, Is.EqualTo("warranty"));
            Assert.That(request.Top, Is.EqualTo(7));
            Assert.That(request.Filter, Is.SameAs(filter));
        });
    }

    [TestCase(0)]
    [TestCase(-3)]
    public void RejectsNonPositiveTop(int top)
    {
        Assert.That(() => new RetrievalRequest("q", top), Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("top"));
    }

    [Test]
    public void RejectsNullQuery()
    {
        Assert.That(() => new RetrievalRequest(null!, 1), Throws.ArgumentNullException);
    }

    [Test]
    public void FewShotRequest_AllowsZeroButNotNegativeCounts()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new FewShotRequest("q", 0).Count, Is.Zero);
            Assert.That(() => new FewShotRequest("q", -1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new FewShotRequest(null!, 1), Throws.ArgumentNullException);
        });
    }
}
