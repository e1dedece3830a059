using Microsoft.Extensions.Options;
using LlmStrategies.FineTuning.EmbeddingAdapters;

namespace LlmStrategies.Tests.FineTuning.EmbeddingAdapters;

public class EmbeddingAdapterTrainerTests
{
    private static readonly EmbeddingAdapterTrainingOptions Fast = new() { Rank = 16, LearningRate = 1e-2, WeightDecay = 0, BatchSize = 64, MaxEpochs = 40, Patience = 5, Seed = 7 };

    [Test]
    public void Train_ImprovesRetrievalOnHeldOutPassages()
    {
        // Three disjoint sets of passages: the test passages are never seen in training or model selection.
        var train = SyntheticRetrieval.Create(passages: 200, queriesPerPassage: 2, seed: 1);
        var development = SyntheticRetrieval.Create(passages: 50, queriesPerPassage: 2, seed: 2);
        var test = SyntheticRetrieval.Create(passages: 100, queriesPerPassage: 2, seed: 3);

        var result = new EmbeddingAdapterTrainer(Fast).Train(train.PairSet(), development.PairSet());

        var before = test.Mrr();
        var after = test.Mrr(result.Adapter);
        Assert.Multiple(() =>
        {
            Assert.That(before, Is.LessThan(0.5), "the base model must have room to improve for this test to mean anything");
            Assert.That(after, Is.GreaterThan(0.9));
            Assert.That(after - before, Is.GreaterThan(0.4));
            Assert.That(result.BestEpoch, Is.GreaterThan(0));
            Assert.That(result.BestDevelopmentMrr, Is.GreaterThan(result.BaseDevelopmentMrr));
            Assert.That(result.Epochs[0], Is.EqualTo(new EmbeddingAdapterEpoch(0, 0, result.BaseDevelopmentMrr)));
            Assert.That(result.Epochs[^1].TrainingLoss, Is.LessThan(result.Epochs[1].TrainingLoss));
            Assert.That(result.Adapter.Rank, Is.EqualTo(16));
        });
    }

    [Test]
    public void Train_IsDeterministicForASeed()
    {
        var train = SyntheticRetrieval.Create(60, 2, seed: 1).PairSet();
        var development = SyntheticRetrieval.Create(20, 2, seed: 2).PairSet();
        var options = new EmbeddingAdapterTrainingOptions { Rank = 4, LearningRate = 1e-2, MaxEpochs = 3, BatchSize = 16, Seed = 5 };

        var first = new EmbeddingAdapterTrainer(options).Train(train, development);
        var second = new EmbeddingAdapterTrainer(options).Train(train, development);
        options.Seed = 6;
        var other = new EmbeddingAdapterTrainer(options).Train(train, development);

        Assert.Multiple(() =>
        {
            Assert.That(second.Adapter.Fingerprint, Is.EqualTo(first.Adapter.Fingerprint));
            Assert.That(second.Epochs, Is.EqualTo(first.Epochs));
            Assert.That(other.Adapter.Fingerprint, Is.Not.EqualTo(first.Adapter.Fingerprint));
        });
    }

    [Test]
    public void Train_KeepsTheIdentity_WhenNoEpochBeatsTheBaseModel()
    {
        // Queries equal to their passages: the base model is already perfect, so nothing can improve on epoch 0.
        var data = SyntheticRetrieval.Create(40, 1, seed: 4);
        var perfect = new EmbeddingPairSet(SyntheticRetrieval.Dimensions, data.Passages, data.Passages, data.Positives);

        var result = new EmbeddingAdapterTrainer(Fast).Train(perfect, perfect);

        var vector = data.Passages.AsSpan(0, SyntheticRetrieval.Dimensions).ToArray();
        var adapted = new float[SyntheticRetrieval.Dimensions];
        result.Adapter.Transform(vector, adapted);
        Assert.Multiple(() =>
        {
            Assert.That(result.BaseDevelopmentMrr, Is.EqualTo(1.0));
            Assert.That(result.BestEpoch, Is.Zero);
            Assert.That(result.StoppedEarly, Is.True);
            Assert.That(result.Epochs, Has.Count.EqualTo(1 + Fast.Patience));
            Assert.That(adapted, Is.EqualTo(vector).Within(1e-6));
        });
    }

    [Test]
    public void Train_WithoutDevelopmentPairs_RunsEveryEpoch_AndKeepsTheLast()
    {
        var train = SyntheticRetrieval.Create(30, 2, seed: 1).PairSet();

        var result = new EmbeddingAdapterTrainer(new EmbeddingAdapterTrainingOptions { Rank = 4, LearningRate = 1e-2, MaxEpochs = 4 }).Train(train);

        Assert.Multiple(() =>
        {
            Assert.That(result.BestEpoch, Is.EqualTo(4));
            Assert.That(result.StoppedEarly, Is.False);
            Assert.That(result.Epochs.Select(e => e.Epoch), Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
            Assert.That(double.IsNaN(result.BestDevelopmentMrr), Is.True);
        });
    }

    [Test]
    public void Train_CarriesTheModelId_IntoTheAdapter() =>
        Assert.That(new EmbeddingAdapterTrainer(new EmbeddingAdapterTrainingOptions { MaxEpochs = 1 }).Train(SyntheticRetrieval.Create(10, 1, 1).PairSet("base-model")).Adapter.BaseModelId, Is.EqualTo("base-model"));

    [Test]
    public void Gradient_MatchesFiniteDifferences()
    {
        var data = SyntheticRetrieval.Create(6, 2, seed: 9);
        var set = data.PairSet();
        const int Rank = 3;
        var random = new Random(11);
        var state = new EmbeddingAdapterTrainer.TrainingState(SyntheticRetrieval.Dimensions, Rank, 12, 12, EmbeddingAdapter.CreateInitial(SyntheticRetrieval.Dimensions, Rank, null, random), [], 0);
        for (var i = 0; i < state.Parameters.Length; i++)
        {
            state.Parameters[i] = (float)(0.3 * SyntheticRetrieval.Gaussian(random));
        }

        int[] batch = [0, 3, 5, 6, 8, 11];
        const double Temperature = 0.5;
        state.LossAndGradient(set, batch, Temperature);
        var analytic = state.Gradient.ToArray();

        const float Step = 1e-2f;
        var failures = new List<string>();
        foreach (var index in Enumerable.Range(0, 30).Select(_ => random.Next(state.Parameters.Length)))
        {
            var original = state.Parameters[index];
            state.Parameters[index] = original + Step;
            var plus = state.LossAndGradient(set, batch, Temperature);
            state.Parameters[index] = original - Step;
            var minus = state.LossAndGradient(set, batch, Temperature);
            state.Parameters[index] = original;
            var numeric = (plus - minus) / (2 * Step);
            if (Math.Abs(numeric - analytic[index]) > (0.03 * Math.Max(Math.Abs(numeric), Math.Abs(analytic[index]))) + 2e-4)
            {
                failures.Add($"parameter {index}: analytic {analytic[index]:G5}, numeric {numeric:G5}");
            }
        }

        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void HardNegatives_AreTheHighestScoringOtherPassages()
    {
        // Passages e0, e1, e2 (unit axes) and a query nearest e0, then e2, then e1; its positive is e0.
        float[] passages = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        float[] query = [0.8f, 0.1f, 0.5f];
        var set = new EmbeddingPairSet(3, query, passages, [0]);

        Assert.Multiple(() =>
        {
            Assert.That(EmbeddingAdapterTrainer.MineHardNegatives(set, 1, default), Is.EqualTo(new[] { 2 }));
            Assert.That(EmbeddingAdapterTrainer.MineHardNegatives(set, 2, default), Is.EqualTo(new[] { 2, 1 }));
            Assert.That(EmbeddingAdapterTrainer.MineHardNegatives(set, 5, default), Is.EqualTo(new[] { 2, 1 }), "capped at the other passages");
        });
    }

    [Test]
    public void Train_WithHardNegatives_StillImproves()
    {
        var train = SyntheticRetrieval.Create(100, 2, seed: 1);
        var test = SyntheticRetrieval.Create(50, 2, seed: 3);
        var options = new EmbeddingAdapterTrainingOptions { Rank = 16, LearningRate = 1e-2, WeightDecay = 0, BatchSize = 32, MaxEpochs = 15, HardNegativesPerQuery = 2, Seed = 7 };

        var result = new EmbeddingAdapterTrainer(options).Train(train.PairSet());

        Assert.That(test.Mrr(result.Adapter), Is.GreaterThan(test.Mrr() + 0.3));
    }

    [Test]
    public void Train_StopsWhenCancelled()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.That(() => new EmbeddingAdapterTrainer().Train(SyntheticRetrieval.Create(10, 1, 1).PairSet(), cancellationToken: cancellation.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Train_RejectsDevelopmentPairsOfAnotherLength()
    {
        var train = SyntheticRetrieval.Create(10, 1, 1).PairSet();
        var other = new EmbeddingPairSet(3, [1, 0, 0], [1, 0, 0], [0]);

        Assert.That(() => new EmbeddingAdapterTrainer().Train(train, other), Throws.ArgumentException.With.Message.Contains("3 dimensions"));
    }

    [TestCase(nameof(EmbeddingAdapterTrainingOptions.Rank), 0)]
    [TestCase(nameof(EmbeddingAdapterTrainingOptions.BatchSize), 0)]
    [TestCase(nameof(EmbeddingAdapterTrainingOptions.MaxEpochs), 0)]
    [TestCase(nameof(EmbeddingAdapterTrainingOptions.Patience), 0)]
    [TestCase(nameof(EmbeddingAdapterTrainingOptions.HardNegativesPerQuery), -1)]
    [TestCase(nameof(EmbeddingAdapterTrainingOptions.Temperature), 0)]
    [TestCase(nameof(EmbeddingAdapterTrainingOptions.LearningRate), -1)]
    [TestCase(nameof(EmbeddingAdapterTrainingOptions.WeightDecay), double.NaN)]
    [TestCase(nameof(EmbeddingAdapterTrainingOptions.WeightDecay), 1e5)]
    public void Options_OutOfRange_AreRejected_NamingTheOption(string option, double value)
    {
        var options = new EmbeddingAdapterTrainingOptions();
        var property = typeof(EmbeddingAdapterTrainingOptions).GetProperty(option)!;
        property.SetValue(options, property.PropertyType == typeof(int) ? (object)(int)value : value);

        Assert.That(() => new EmbeddingAdapterTrainer(options), Throws.InstanceOf<OptionsValidationException>().With.Message.Contains(option));
    }
}
