using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Analysis;
using LlmStrategies.FewShot.Store;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.Time.Testing;

namespace LlmStrategies.Tests.Evaluation.Analysis;

public class ReviewImporterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 30, 0, TimeSpan.Zero);
    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public async Task AppliesCorrectionsExclusionsAndExamplesAsANewVersionWithAChangeLog()
    {
        var (dataset, run) = AnalysisFixtures.Attribution();
        var path = Reviewed(dataset, run, "review.csv");
        using var store = ExampleStore.InMemory();
        var result = await new ReviewImporter(timeProvider: new FakeTimeProvider(Now)).ImportAsync(path, dataset, _temp.Path, store, Protected(dataset));

        Assert.Multiple(() =>
        {
            Assert.That(result.AlreadyApplied, Is.False);
            Assert.That(result.PreviousFingerprint, Is.EqualTo(dataset.Fingerprint));
            Assert.That(result.Dataset.Fingerprint, Is.Not.EqualTo(dataset.Fingerprint));
            Assert.That(result.Dataset.Items.Select(i => i.Id), Is.EqualTo(new[] { "q1", "q2", "q4", "q5" }), "q3 excluded");
            Assert.That(result.Dataset.TryGetItem("q2", out var q2) ? q2.ExpectedOutputs : null, Is.EqualTo(new[] { "bright green", "green" }));
            Assert.That(result.Dataset.Corpus, Is.EqualTo(dataset.Corpus));
            Assert.That(result.Changes.Select(c => (c.Item, c.Action)), Is.EqualTo(new[] { ("q2", "fix-gold"), ("q3", "exclude"), ("q4", "add-example") }));
            var fix = result.Changes[0];
            Assert.That((fix.Reviewer, fix.Note, fix.At, fix.Line), Is.EqualTo(("ana", "the grass is bright green", Now, 2)));
            Assert.That((fix.Before, fix.After), Is.EqualTo((new[] { "green" }, new[] { "bright green", "green" })));
            Assert.That((fix.FromFingerprint, fix.ToFingerprint), Is.EqualTo((dataset.Fingerprint, result.Dataset.Fingerprint)));
            Assert.That(result.ExamplesAdded, Is.EqualTo(1));
            Assert.That(result.Unreviewed, Is.Zero);
            Assert.That(File.ReadAllLines(result.ChangeLogPath), Has.Length.EqualTo(4), "a header and three changes");
        });

        var example = (await store.ListAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That((example.Id, example.Input, example.Output), Is.EqualTo(("q4", "What colour is the castle gate?", "purple")));
            Assert.That(example.Tags, Is.EqualTo(new[] { "reviewed" }));
            Assert.That(example.Metadata["reviewer"], Is.EqualTo("ben"));
        });

        // The version file reloads to the same content fingerprint with the original corpus.
        var reloaded = DatasetVersionFile.Load(result.VersionPath!, dataset.Corpus);
        Assert.That(reloaded.Fingerprint, Is.EqualTo(result.Dataset.Fingerprint));
    }

    [Test]
    public async Task ReimportingTheSameFileIsANoOp()
    {
        var (dataset, run) = AnalysisFixtures.Attribution();
        var path = Reviewed(dataset, run, "review.jsonl");
        using var store = ExampleStore.InMemory();
        var importer = new ReviewImporter(timeProvider: new FakeTimeProvider(Now));
        var first = await importer.ImportAsync(path, dataset, _temp.Path, store, Protected(dataset));
        var log = File.ReadAllBytes(first.ChangeLogPath);
        var version = File.ReadAllBytes(first.VersionPath!);
        var storeVersion = store.Version;
        var files = Directory.GetFiles(_temp.Path).Order(StringComparer.Ordinal).ToArray();

        var again = await new ReviewImporter(timeProvider: new FakeTimeProvider(Now.AddDays(1))).ImportAsync(path, dataset, _temp.Path, store, Protected(dataset));
        var onNewVersion = await importer.ImportAsync(path, first.Dataset, _temp.Path, store, Protected(dataset));
        Assert.Multiple(() =>
        {
            Assert.That(again.AlreadyApplied, Is.True);
            Assert.That(again.Dataset.Fingerprint, Is.EqualTo(first.Dataset.Fingerprint));
            Assert.That(again.Changes.Select(c => c.At), Has.All.EqualTo(Now), "the earlier import's changes");
            Assert.That(again.ExamplesAdded, Is.Zero);
            Assert.That(onNewVersion.AlreadyApplied, Is.True);
            Assert.That(onNewVersion.Dataset.Fingerprint, Is.EqualTo(first.Dataset.Fingerprint));
            Assert.That(File.ReadAllBytes(first.ChangeLogPath), Is.EqualTo(log));
            Assert.That(File.ReadAllBytes(first.VersionPath!), Is.EqualTo(version));
            Assert.That(store.Version, Is.EqualTo(storeVersion));
            Assert.That(Directory.GetFiles(_temp.Path).Order(StringComparer.Ordinal), Is.EqualTo(files));
        });
    }

    [Test]
    public async Task MalformedRowsAreAllReportedWithTheirLinesAndNothingIsApplied()
    {
        var (dataset, _) = AnalysisFixtures.Attribution();
        var path = _temp.Write("bad.csv", string.Join("\r\n",
            string.Join(',', ReviewExport.Columns),
            Row("q1", "green", verdict: "maybe"),
            Row("q2", "green", verdict: "fix-gold", reviewer: "ana", note: "why"),
            Row("zz", "x", verdict: "ok"),
            Row("q5", "grey", verdict: "ok", example: "yes", reviewer: "ana"),
            Row("q3", "Vantor", verdict: "exclude", reviewer: "", note: ""),
            "q4,only,three,fields",
            string.Empty));
        using var store = ExampleStore.InMemory();
        var error = Assert.ThrowsAsync<ReviewFormatException>(() => new ReviewImporter().ImportAsync(path, dataset, _temp.Path, store, Protected(dataset)));
        var problems = error!.Errors.Select(e => (e.Line, e.Field)).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(problems, Is.EquivalentTo(new (int, string?)[] { (2, "verdict"), (3, "correction"), (4, "item"), (5, "example"), (6, "reviewer"), (6, "note"), (7, null) }));
            Assert.That(error.Errors, Has.All.Property(nameof(DatasetError.File)).EqualTo(path));
            Assert.That(error.Message, Does.Contain("nothing was applied"));
            Assert.That(Directory.GetFiles(_temp.Path).Where(f => !f.EndsWith("bad.csv", StringComparison.Ordinal)), Is.Empty, "no version, no change log");
            Assert.That(store.Count, Is.Zero);
        });
    }

    [Test]
    public void ANearCopyOfATestItemNeverBecomesAnExample()
    {
        var items = new[]
        {
            AnalysisFixtures.Item("t1", "What colour is the sky?", "blue"),
            AnalysisFixtures.Item("p1", "What colour is the sky ??", "blue"),
            AnalysisFixtures.Item("p2", "How far away is the moon?", "384,400 km"),
        };
        var dataset = new EvaluationDataset("guard", items);
        var path = _temp.File("review.jsonl");
        ReviewExport.Write(path, [
            new ReviewRow { Item = "p1", DatasetFingerprint = dataset.Fingerprint, Gold = ["blue"], Prediction = "Blue.", Verdict = "ok", Example = "yes", Reviewer = "ana" },
            new ReviewRow { Item = "p2", DatasetFingerprint = dataset.Fingerprint, Gold = ["384,400 km"], Prediction = "About 384,400 km.", Verdict = "ok", Example = "yes", Reviewer = "ana" },
        ]);
        using var store = ExampleStore.InMemory();
        var error = Assert.ThrowsAsync<ReviewFormatException>(() => new ReviewImporter().ImportAsync(path, dataset, _temp.Path, store, [items[0]]));
        Assert.Multiple(() =>
        {
            Assert.That(error!.Errors.Single().Line, Is.EqualTo(1));
            Assert.That(error.Errors.Single().Message, Does.Contain("near-copy of protected (test) item 't1'"));
            Assert.That(store.Count, Is.Zero, "p2 is fine, but a file is applied whole or not at all");
        });
    }

    [Test]
    public async Task GoldChangedSinceTheExportIsAConflict()
    {
        var (dataset, run) = AnalysisFixtures.Attribution();
        var first = await new ReviewImporter().ImportAsync(Reviewed(dataset, run, "first.csv"), dataset, _temp.Path, ExampleStore.InMemory(), Protected(dataset));
        var path = _temp.Write("second.csv", string.Join("\r\n", string.Join(',', ReviewExport.Columns), Row("q2", "green", verdict: "fix-gold", correction: "lime", reviewer: "cy", note: "lime surely"), string.Empty));
        var error = Assert.ThrowsAsync<ReviewFormatException>(() => new ReviewImporter().ImportAsync(path, first.Dataset, _temp.Path));
        Assert.That(error!.Errors.Single().Message, Does.Contain("changed since the export"));
    }

    [Test]
    public void ApprovingExamplesNeedsAStoreAndTheProtectedItems()
    {
        var (dataset, run) = AnalysisFixtures.Attribution();
        var path = Reviewed(dataset, run, "review.csv");
        Assert.Multiple(() =>
        {
            Assert.That(() => new ReviewImporter().ImportAsync(path, dataset, _temp.Path), Throws.ArgumentException.With.Message.Contains("example store"));
            Assert.That(() => new ReviewImporter().ImportAsync(path, dataset, _temp.Path, ExampleStore.InMemory()), Throws.ArgumentException.With.Property("ParamName").EqualTo("protectedItems"));
        });
    }

    [Test]
    public async Task CarriesTheSplitOverWithoutTheExcludedItems()
    {
        var (dataset, run) = AnalysisFixtures.Attribution();
        var manifest = DatasetProfilerTests.Manifest(dataset, ["q1", "q2"], [], ["q3", "q4", "q5"]);
        var result = await new ReviewImporter().ImportAsync(Reviewed(dataset, run, "review.csv"), dataset, _temp.Path, ExampleStore.InMemory(), Protected(dataset));
        var carried = result.CarrySplit(manifest);
        var splits = carried.Apply(result.Dataset);
        Assert.Multiple(() =>
        {
            Assert.That(carried.Train, Is.EqualTo(new[] { "q1", "q2" }));
            Assert.That(carried.Test, Is.EqualTo(new[] { "q4", "q5" }));
            Assert.That(carried.TestFingerprint, Is.EqualTo(EvaluationDataset.FingerprintOf(splits.Test.Items)));
        });
    }

    [Test]
    public void AnEditedVersionFileFailsToLoad()
    {
        var (dataset, _) = AnalysisFixtures.Attribution();
        var path = DatasetVersionFile.Save(_temp.Path, dataset);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"blue\"", "\"navy\"", StringComparison.Ordinal));
        Assert.That(() => DatasetVersionFile.Load(path, dataset.Corpus), Throws.InstanceOf<DatasetFormatException>().With.Message.Contains("edited"));
    }

    private static EvaluationItem[] Protected(EvaluationDataset dataset) => dataset.Items.Where(i => i.Id is "q1" or "q5").ToArray();

    /// <summary>Exports rag's failures (q2, q3, q4) and fills them in: fix q2's gold, exclude q3, approve q4 with a corrected output.</summary>
    private string Reviewed(EvaluationDataset dataset, LlmStrategies.Experiments.ExperimentRun run, string name)
    {
        var rows = ReviewExport.Rows(dataset, run, ReviewSelection.Failures("rag")).Select(r => r.Item switch
        {
            "q2" => Fill(r, "fix-gold", ["bright green", "green"], "", "ana", "the grass is bright green"),
            "q3" => Fill(r, "exclude", [], "", "ana", "the river has two names"),
            _ => Fill(r, "ok", ["purple"], "yes", "ben", ""),
        });
        var path = _temp.File(name);
        ReviewExport.Write(path, rows);
        return path;
    }

    private static ReviewRow Fill(ReviewRow r, string verdict, string[] correction, string example, string reviewer, string note) => new()
    {
        Item = r.Item,
        DatasetFingerprint = r.DatasetFingerprint,
        Selection = r.Selection,
        Strategy = r.Strategy,
        Input = r.Input,
        Gold = r.Gold,
        Prediction = r.Prediction,
        Score = r.Score,
        OtherPredictions = r.OtherPredictions,
        Context = r.Context,
        Verdict = verdict,
        Correction = correction,
        Example = example,
        Reviewer = reviewer,
        Note = note,
    };

    private static string Row(string item, string gold, string verdict = "", string correction = "", string example = "", string reviewer = "", string note = "") =>
        string.Join(',', item, "fp", "sel", "rag", string.Empty, gold, "pred", "0", string.Empty, string.Empty, verdict, correction, example, reviewer, note);
}
