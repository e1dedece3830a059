using LlmStrategies.Tuning;
using static LlmStrategies.Tests.Tuning.TuningFixtures;

namespace LlmStrategies.Tests.Tuning;

public class TuningDataTests
{
    [Test]
    public void TrainAndDevMustBeDisjoint()
    {
        Assert.That(() => new TuningData(Items("train", 0, 10), Items("dev", 5, 10)), Throws.ArgumentException.With.Message.Contains("'q5' is in both"));
    }

    [Test]
    public void DevMustHaveItems()
    {
        Assert.That(() => new TuningData(Items("train", 0, 10), Items("dev", 0, 0)), Throws.ArgumentException.With.Message.Contains("no items"));
    }

    [Test]
    public void FromSplits_TakesTrainAndDevOnly()
    {
        var splits = Splits();

        var data = TuningData.From(splits);

        Assert.Multiple(() =>
        {
            Assert.That(data.Train, Is.SameAs(splits.Train));
            Assert.That(data.Dev, Is.SameAs(splits.Dev));
            Assert.That(data.SeenIds().Overlaps(splits.Test.Items.Select(i => i.Id)), Is.False);
            Assert.That(data.HeldOutIds, Is.EquivalentTo(splits.Test.Items.Select(i => i.Id)));
        });
    }
}
