using Microsoft.Extensions.Options;
using LlmStrategies.FineTuning.EmbeddingAdapters;
using LlmStrategies.FineTuning.TrainingData;
using Microsoft.Extensions.Time.Testing;

namespace LlmStrategies.Tests.FineTuning.EmbeddingAdapters;

public class EmbeddingAdapterFineTunerTests
{
    private string _folder = null!;
    private SyntheticRetrieval _train = null!;
    private SyntheticRetrieval _held = null!;
    private SyntheticTextGenerator _generator = null!;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero));

    [SetUp]
    public void Create()
    {
        _folder = Directory.CreateTempSubdirectory("ft-local-").FullName;
        _train = SyntheticRetrieval.Create(passages: 120, queriesPerPassage: 2, seed: 1);
        _held = SyntheticRetrieval.Create(passages: 60, queriesPerPassage: 1, seed: 2);
        _generator = new SyntheticTextGenerator(_train, _held);
    }

    [TearDown]
    public void Delete()
    {
        _generator.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private EmbeddingAdapterFineTuner Tuner(int maxEpochs = 20) => new(_generator, new EmbeddingAdapterFineTunerOptions
    {
        OutputDirectory = Path.Combine(_folder, "adapters"),
        Training = new EmbeddingAdapterTrainingOptions { Rank = 16, LearningRate = 1e-2, WeightDecay = 0, BatchSize = 32, MaxEpochs = maxEpochs, Seed = 3 },
    }, _time);

    /// <summary>(query, passage) pairs as chat JSONL, written by the exporter: the query is the user turn, the passage the answer.</summary>
    private string PairsFile(string name, IEnumerable<int> queries, string prefix = "")
    {
        var path = Path.Combine(_folder, name);
        new TrainingDataExporter().Export(queries.Select(q => new TrainingExample { Input = $"{prefix}q{q}", Output = $"{prefix}p{(prefix.Length == 0 ? _train : _held).Positives[q]}" }), [], path);
        return path;
    }

    private FineTuneRequest Request(int? epochs = null, Dictionary<string, string>? hyperparameters = null) => new()
    {
        BaseModel = "synthetic-model",
        TrainingFile = PairsFile("train.jsonl", Enumerable.Range(0, 200)),
        ValidationFile = PairsFile("dev.jsonl", Enumerable.Range(200, 40)),
        Epochs = epochs,
        Hyperparameters = hyperparameters ?? [],
    };

    [Test]
    public async Task AJob_TrainsAnAdapter_ThatImprovesHeldOutRetrieval()
    {
        var tuner = Tuner();

        var job = await tuner.StartAsync(Request());
        var state = await job.WaitForCompletionAsync();

        Assert.That(state.Status, Is.EqualTo(FineTuneJobStatus.Succeeded), state.Error);
        var adapter = EmbeddingAdapter.Load(state.FineTunedModelId!);
        Assert.Multiple(() =>
        {
            Assert.That(state.FineTunedModelId, Does.StartWith(Path.Combine(_folder, "adapters", job.Id)));
            Assert.That(state.BaseModel, Is.EqualTo("synthetic-model"));
            Assert.That(state.CreatedAt, Is.EqualTo(_time.GetUtcNow()));
            Assert.That(adapter.BaseModelId, Is.EqualTo("synthetic-model"));
            Assert.That(_held.Mrr(adapter), Is.GreaterThan(_held.Mrr() + 0.3));
        });
    }

    [Test]
    public async Task WatchAsync_ReportsEveryEpochWithItsMetrics_UntilTheEnd()
    {
        var job = await Tuner().StartAsync(Request(epochs: 3));

        var events = new List<FineTuneJobEvent>();
        await foreach (var item in job.WatchAsync())
        {
            events.Add(item);
        }

        var epochs = events.Where(e => e.Metrics.ContainsKey("epoch")).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(events[0].Message, Is.EqualTo("Embedding 200 training pair(s) and 40 development pair(s) with the base model."));
            Assert.That(epochs.Select(e => e.Metrics["epoch"]), Is.EqualTo(new[] { 0.0, 1, 2, 3 }));
            Assert.That(epochs[1].Metrics.Keys, Is.EquivalentTo(new[] { "epoch", "train_loss", "dev_mrr_at_10" }));
            Assert.That(events[^1].Message, Is.EqualTo("The job has successfully completed."));
            Assert.That(events.Select(e => e.Id), Is.Unique);
        });
    }

    [Test]
    public async Task Hyperparameters_OverrideTheDefaults()
    {
        var job = await Tuner().StartAsync(Request(epochs: 1, hyperparameters: new() { ["rank"] = "4", ["learning_rate"] = "0.005" }));

        var state = await job.WaitForCompletionAsync();

        Assert.That(EmbeddingAdapter.Load(state.FineTunedModelId!).Rank, Is.EqualTo(4));
    }

    [Test]
    public void UnknownOrNonNumericHyperparameters_AreRefused()
    {
        var tuner = Tuner();

        Assert.Multiple(() =>
        {
            Assert.That(() => tuner.StartAsync(Request(hyperparameters: new() { ["n_layers"] = "2" })), Throws.ArgumentException.With.Message.Contains("'n_layers' is not known"));
            Assert.That(() => tuner.StartAsync(Request(hyperparameters: new() { ["rank"] = "auto" })), Throws.ArgumentException.With.Message.Contains("'auto', not a number"));
            Assert.That(() => tuner.StartAsync(Request(hyperparameters: new() { ["rank"] = "0" })), Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("Rank"));
        });
    }

    [Test]
    public void AnotherBaseModel_IsRefused() =>
        Assert.That(() => Tuner().StartAsync(new FineTuneRequest { BaseModel = "gpt-4o-mini", TrainingFile = PairsFile("t.jsonl", Enumerable.Range(0, 20)) }),
            Throws.ArgumentException.With.Message.Contains("trains adapters for 'synthetic-model'"));

    [Test]
    public void InvalidTrainingData_IsRefusedBeforeAJobStarts()
    {
        var path = PairsFile("few.jsonl", Enumerable.Range(0, 5));

        Assert.That(() => Tuner().StartAsync(new FineTuneRequest { BaseModel = "synthetic-model", TrainingFile = path }), Throws.TypeOf<TrainingDataValidationException>().With.Message.Contains("only 5 valid example(s)"));
    }

    [Test]
    public async Task CancelAsync_StopsTraining()
    {
        var job = await Tuner(maxEpochs: 100_000).StartAsync(new FineTuneRequest { BaseModel = "synthetic-model", TrainingFile = PairsFile("t.jsonl", Enumerable.Range(0, 200)) });

        var state = await job.CancelAsync();

        Assert.Multiple(() =>
        {
            Assert.That(state.Status, Is.EqualTo(FineTuneJobStatus.Cancelled));
            Assert.That(state.FineTunedModelId, Is.Null);
            Assert.That(Directory.Exists(Path.Combine(_folder, "adapters")) ? Directory.GetFiles(Path.Combine(_folder, "adapters")) : [], Is.Empty);
        });
    }

    [Test]
    public async Task AFailingBaseModel_FailsTheJob_WithItsMessage()
    {
        _generator.Failure = new InvalidOperationException("embedding service down");

        var state = await (await Tuner().StartAsync(Request())).WaitForCompletionAsync();

        Assert.Multiple(() =>
        {
            Assert.That(state.Status, Is.EqualTo(FineTuneJobStatus.Failed));
            Assert.That(state.Error, Is.EqualTo("embedding service down"));
        });
    }

    [Test]
    public async Task GetJobAsync_FindsJobsOfThisFineTuner()
    {
        var tuner = Tuner();
        var job = await tuner.StartAsync(Request(epochs: 1));

        Assert.Multiple(async () =>
        {
            Assert.That(await tuner.GetJobAsync(job.Id), Is.SameAs(job));
            Assert.That(() => tuner.GetJobAsync("adapter-unknown"), Throws.TypeOf<KeyNotFoundException>());
        });
        await job.WaitForCompletionAsync();
    }

    [Test]
    public void Options_NeedAnOutputDirectory() =>
        Assert.That(() => new EmbeddingAdapterFineTuner(_generator, new EmbeddingAdapterFineTunerOptions()), Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("OutputDirectory"));
}
