using LlmStrategies.Tuning;

namespace LlmStrategies.Tests.Tuning.Search;

public class HalvingScheduleTests
{
    [Test]
    public void TheTextbookSchedule_KeepsAThirdAndTriplesTheItems()
    {
        var rounds = HalvingSchedule.Rounds(27, 270, 10, 3);

        Assert.Multiple(() =>
        {
            Assert.That(rounds, Is.EqualTo(new[] { (27, 10), (9, 30), (3, 90), (1, 270) }));
            Assert.That(HalvingSchedule.Calls(rounds), Is.EqualTo((27 * 10) + (9 * 20) + (3 * 60) + (1 * 180)));
        });
    }

    [Test]
    public void TheLastRound_AlwaysScoresAllItems()
    {
        Assert.Multiple(() =>
        {
            Assert.That(HalvingSchedule.Rounds(100, 50, 10, 3), Is.EqualTo(new[] { (100, 10), (34, 30), (12, 50) }), "items run out first: the survivors meet all items");
            Assert.That(HalvingSchedule.Rounds(4, 1_000, 10, 2), Is.EqualTo(new[] { (4, 10), (2, 20), (1, 1_000) }), "candidates run out first: the last one meets all items");
            Assert.That(HalvingSchedule.Rounds(1, 80, 10, 3), Is.EqualTo(new[] { (1, 80) }));
            Assert.That(HalvingSchedule.Rounds(5, 8, 10, 3), Is.EqualTo(new[] { (5, 8) }), "fewer items than the first round asks for: one round");
        });
    }

    [Test]
    public void SampledIndices_AreDistinctSeededAndInRange()
    {
        var first = StrategyTuner.SampleIndices(1_000_000_000_000, 50, 3);
        var again = StrategyTuner.SampleIndices(1_000_000_000_000, 50, 3);
        var all = StrategyTuner.SampleIndices(10, 10, 3);

        Assert.Multiple(() =>
        {
            Assert.That(first, Has.Length.EqualTo(50).And.Unique.And.Ordered);
            Assert.That(first, Is.EqualTo(again));
            Assert.That(first.All(i => i is >= 0 and < 1_000_000_000_000), Is.True);
            Assert.That(all, Is.EqualTo(Enumerable.Range(0, 10).Select(i => (long)i)));
        });
    }
}
