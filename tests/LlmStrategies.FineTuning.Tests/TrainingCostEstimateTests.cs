using System.Text;
using LlmStrategies.FineTuning;
using LlmStrategies.FineTuning.TrainingData;

namespace LlmStrategies.Tests.FineTuning;

public class TrainingCostEstimateTests
{
    [TestCase(1, 25)]
    [TestCase(3, 25)]
    [TestCase(10, 10)]
    [TestCase(20, 5)]
    [TestCase(33, 3)]
    [TestCase(34, 3)]
    [TestCase(50, 3)]
    [TestCase(8_333, 3)]
    [TestCase(8_334, 2)]
    [TestCase(10_000, 2)]
    [TestCase(30_000, 1)]
    public void DefaultEpochs_FollowsTheProvidersAutoHeuristic(int examples, int epochs) =>
        Assert.That(TrainingCostEstimate.DefaultEpochs(examples), Is.EqualTo(epochs));

    [Test]
    public void Cost_IsTokensTimesEpochsTimesPrice()
    {
        var estimate = TrainingCostEstimate.For(tokensPerEpoch: 1_234_567, exampleCount: 500, pricePerMillionTrainingTokens: 25m, epochs: 4);

        Assert.Multiple(() =>
        {
            Assert.That(estimate.BillableTokens, Is.EqualTo(4_938_268));
            Assert.That(estimate.Cost, Is.EqualTo(123.4567m));
            Assert.That(estimate.EpochsChosenAutomatically, Is.False);
        });
    }

    [Test]
    public void WithoutEpochs_UsesTheAutomaticChoice()
    {
        var estimate = TrainingCostEstimate.For(tokensPerEpoch: 10_000, exampleCount: 20, pricePerMillionTrainingTokens: 3m);

        Assert.Multiple(() =>
        {
            Assert.That(estimate.Epochs, Is.EqualTo(5));
            Assert.That(estimate.EpochsChosenAutomatically, Is.True);
            Assert.That(estimate.Cost, Is.EqualTo(0.15m));
        });
    }

    [Test]
    public void FromAValidationReport_UsesItsTokensAndExampleCount()
    {
        var lines = Enumerable.Range(0, 12).Select(i => $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"q{i}\"}},{{\"role\":\"assistant\",\"content\":\"a{i}\"}}]}}");
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", lines)));
        var report = new TrainingDataValidator().Validate(stream, "t.jsonl");

        var estimate = TrainingCostEstimate.For(report, 8m);

        Assert.Multiple(() =>
        {
            Assert.That(estimate.TokensPerEpoch, Is.EqualTo(report.TotalTokens));
            Assert.That(estimate.Epochs, Is.EqualTo(8), "12 examples: 100 / 12 = 8 epochs");
            Assert.That(estimate.Cost, Is.EqualTo(report.TotalTokens * 8 * 8m / 1_000_000m));
        });
    }

    [Test]
    public void FromAnInvalidReport_Throws()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("not json\n"));
        var report = new TrainingDataValidator().Validate(stream, "t.jsonl");

        Assert.That(() => TrainingCostEstimate.For(report, 8m), Throws.TypeOf<TrainingDataValidationException>());
    }

    [Test]
    public void Arguments_AreChecked()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => TrainingCostEstimate.For(-1, 1, 1m), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => TrainingCostEstimate.For(1, 0, 1m), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => TrainingCostEstimate.For(1, 1, -1m), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => TrainingCostEstimate.For(1, 1, 1m, epochs: 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => TrainingCostEstimate.DefaultEpochs(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}
