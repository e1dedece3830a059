using LlmStrategies.Retrieval.Hybrid;
using LlmStrategies.Tuning;

namespace LlmStrategies.Tests.Tuning.Search;

public class SearchPointTests
{
    private static readonly SearchSpace Space = new SearchSpace().Add("top", 1, 3).Add("method", "ZScore", "7");

    [Test]
    public void ReadingAValueAsAnotherKind_SaysWhichKindItIs()
    {
        var point = Space.Point(("top", 1), ("method", "ZScore"));

        Assert.Multiple(() =>
        {
            Assert.That(() => point.GetString("top"), Throws.InvalidOperationException.With.Message.Contains("of kind WholeNumber, not Text"));
            Assert.That(() => point["nope"], Throws.InstanceOf<KeyNotFoundException>().With.Message.Contains("no parameter 'nope'"));
            Assert.That(point.GetDouble("top"), Is.EqualTo(1.0), "a whole number reads as a number");
        });
    }

    [Test]
    public void GetEnum_AcceptsMemberNamesOnly()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Space.Point(("top", 1), ("method", "ZScore")).GetEnum<FusionMethod>("method"), Is.EqualTo(FusionMethod.ZScore));
            Assert.That(() => Space.Point(("top", 1), ("method", "7")).GetEnum<FusionMethod>("method"), Throws.InvalidOperationException.With.Message.Contains("not a member of FusionMethod"));
        });
    }

    [Test]
    public void Demonstrations_ArePartOfTheIdentity()
    {
        var point = Space.Point(("top", 1), ("method", "ZScore"));
        var set = new DemonstrationSet([new FewShotExample { Id = "e1", Input = "q", Output = "a" }]);

        var withDemonstrations = point.WithDemonstrations(set);

        Assert.Multiple(() =>
        {
            Assert.That(withDemonstrations, Is.Not.EqualTo(point));
            Assert.That(withDemonstrations.Id, Does.EndWith("demonstrations=" + set.Id));
            Assert.That(withDemonstrations.Demonstrations, Is.SameAs(set));
            Assert.That(Space.Contains(withDemonstrations), Is.True, "the space's parameters are unchanged");
            Assert.That(withDemonstrations.ToDictionary()["demonstrations"], Does.StartWith(set.Id));
        });
    }
}
