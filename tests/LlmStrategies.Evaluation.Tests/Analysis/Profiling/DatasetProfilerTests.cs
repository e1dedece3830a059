using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Analysis;
using LlmStrategies.Prompting;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.Evaluation.Analysis;

public class DatasetProfilerTests
{
    /// <summary>
    /// Seven items with known problems: a1/a2 are the same question (train/test), a3/a4 too (dev/test) with different gold,
    /// a5/a6 are near-duplicates (test/train), a4's answer is in no document, a5's gold passage id is dangling and its answer
    /// is only in another document, a6 has no gold passage and no article, a7 is Cyrillic and unlabelled.
    /// </summary>
    internal static (EvaluationDataset Dataset, DatasetSplits Splits) Constructed()
    {
        var corpus = new[]
        {
            AnalysisFixtures.Document("d1", "The warranty lasts two years from delivery."),
            AnalysisFixtures.Document("d2", "Shipping takes five days within the country."),
            AnalysisFixtures.Document("d3", "Returns are accepted within 30 days of purchase."),
        };
        EvaluationItem Item(string id, string input, string gold, string? passage, string? article, string? label) => new()
        {
            Id = id,
            Input = input,
            ExpectedOutputs = [gold],
            Label = label,
            Metadata = article is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["article"] = article },
            RelevantDocuments = passage is null ? new Dictionary<string, double>() : new Dictionary<string, double> { [passage] = 1 },
        };
        var items = new[]
        {
            Item("a1", "How long is the warranty?", "two years", "d1", "W", "A"),
            Item("a2", "How long is the warranty ?", "two years", "d1", "W", "A"),
            Item("a3", "How long does shipping take?", "five days", "d2", "S", "B"),
            Item("a4", "How long does shipping take", "three weeks", "d2", "S", "B"),
            Item("a5", "Can I return an item?", "within 30 days", "d9", "R", "B"),
            Item("a6", "What is the return window?", "within 30 days", null, null, "B"),
            Item("a7", "Что такое гарантия?", "two years", "d1", "W", null),
        };
        var dataset = new EvaluationDataset("constructed", items, corpus);
        var manifest = Manifest(dataset, ["a1", "a6", "a7"], ["a3"], ["a2", "a4", "a5"]);
        return (dataset, manifest.Apply(dataset));
    }

    internal static SplitManifest Manifest(EvaluationDataset dataset, string[] train, string[] dev, string[] test)
    {
        string Fp(string[] ids) => EvaluationDataset.FingerprintOf(ids.Select(id => dataset.TryGetItem(id, out var i) ? i : throw new InvalidOperationException(id)));
        return new SplitManifest(dataset.Name, dataset.Fingerprint, new SplitOptions(), train, dev, test, Fp(train), Fp(dev), Fp(test));
    }

    private static TestEmbeddingGenerator Embeddings() => new(new Dictionary<string, float[]>
    {
        ["How long is the warranty?"] = [1, 0, 0, 0],
        ["How long does shipping take?"] = [0, 1, 0, 0],
        ["Can I return an item?"] = [0, 0, 1, 0],
        ["What is the return window?"] = [0, 0, 0.95f, 0.31224990f],
        ["Что такое гарантия?"] = [0, 0, 0, 1],
    });

    [Test]
    public async Task CountsSplitsGroupsScriptsAndGaps()
    {
        var (dataset, splits) = Constructed();
        var profile = await DataWork.ProfileAsync(dataset, splits, new DataWorkOptions { GroupField = "article" });
        Assert.Multiple(() =>
        {
            Assert.That(profile.Dataset.Items, Is.EqualTo(7));
            Assert.That(profile.CorpusDocuments, Is.EqualTo(3));
            Assert.That(profile.Splits.Select(s => (s.Name, s.Items)), Is.EqualTo(new[] { ("train", 3), ("dev", 1), ("test", 3) }));
            Assert.That(profile.GroupCount, Is.EqualTo(3));
            Assert.That(profile.Groups.Select(g => (g.Value, g.Count)), Is.EqualTo(new[] { ("W", 3), ("S", 2), ("R", 1) }));
            Assert.That(profile.ScriptMix.Select(s => (s.Value, s.Count)), Is.EqualTo(new[] { ("Latin", 6), ("Cyrillic", 1) }));
            Assert.That(profile.LengthUnit, Does.StartWith("words"));
            Assert.That(profile.InputLength.Min, Is.EqualTo(3));
            Assert.That(profile.InputLength.Median, Is.EqualTo(5));
            Assert.That(profile.InputLength.Max, Is.EqualTo(6)); // "How long is the warranty ?" is six whitespace-separated words
            Assert.That(profile.AnswerLength.Max, Is.EqualTo(3));
            Assert.That(Gap(profile, "label"), Is.EqualTo(new[] { "a7" }));
            Assert.That(Gap(profile, "metadata.article"), Is.EqualTo(new[] { "a6" }));
            Assert.That(profile.FieldGaps.Where(g => g.Field == "relevant").SelectMany(g => g.Examples), Is.EquivalentTo(new[] { "a6", "a5" }));
            Assert.That(profile.Labels!.Classes, Is.EqualTo(2));
            Assert.That(profile.Labels.MajorityShare, Is.EqualTo(4.0 / 6));
            Assert.That(profile.Labels.LabelIsGold, Is.False);
        });
    }

    [Test]
    public async Task TestSplitGroupsAreCountedPerSplit()
    {
        var (dataset, splits) = Constructed();
        var profile = await DataWork.ProfileAsync(dataset, splits, new DataWorkOptions { GroupField = "article" });
        // test = a2 (W), a4 (S), a5 (R): three groups.
        Assert.That(profile.Splits.Single(s => s.Name == "test").Groups, Is.EqualTo(3));
    }

    [Test]
    public async Task FindsExactAndNearDuplicatesAcrossSplitsAndConflictingGold()
    {
        var (dataset, splits) = Constructed();
        var profile = await DataWork.ProfileAsync(dataset, splits, new DataWorkOptions { NearDuplicateThreshold = 0.9 }, Embeddings());
        var d = profile.Duplicates;
        Assert.Multiple(() =>
        {
            Assert.That(d.ExactGroups, Is.EqualTo(2));
            Assert.That(d.ExactItems, Is.EqualTo(4));
            Assert.That(d.NearPairs, Is.EqualTo(1));
            Assert.That(d.CrossSplit, Is.EqualTo(3));
            Assert.That(d.ConflictingGold, Is.EqualTo(1));
            Assert.That(d.NearConflictingGold, Is.Zero);
            Assert.That(d.TestItemsDuplicatedElsewhere, Is.EqualTo(new[] { "a2", "a4" }));
            Assert.That(d.TestItemsNearDuplicatedElsewhere, Is.EqualTo(new[] { "a5" }));
            Assert.That(d.ConflictingItems, Is.EqualTo(new[] { "a3", "a4" }));
            var near = d.Examples.Single(g => g.Kind == "near");
            Assert.That(near.Similarity, Is.EqualTo(0.95).Within(1e-5));
            Assert.That(near.Items.Select(i => i.Id), Is.EquivalentTo(new[] { "a5", "a6" }));
        });
    }

    [Test]
    public async Task NearDuplicatesBelowTheThresholdAreNotReported()
    {
        var (dataset, splits) = Constructed();
        var profile = await DataWork.ProfileAsync(dataset, splits, new DataWorkOptions { NearDuplicateThreshold = 0.96 }, Embeddings());
        Assert.That(profile.Duplicates.NearPairs, Is.Zero);
    }

    [Test]
    public async Task WithoutEmbeddingsOnlyExactDuplicatesAreSearchedAndTheProfileSaysSo()
    {
        var (dataset, splits) = Constructed();
        var profile = await DataWork.ProfileAsync(dataset, splits);
        Assert.Multiple(() =>
        {
            Assert.That(profile.Duplicates.ExactGroups, Is.EqualTo(2));
            Assert.That(profile.Duplicates.NearThreshold, Is.Null);
            Assert.That(profile.Duplicates.Method, Does.Contain("exact only"));
            Assert.That(profile.Notes, Has.Some.Contains("No embedding generator"));
        });
    }

    [Test]
    public async Task LocatesEveryGoldAnswerInTheCorpus()
    {
        var (dataset, splits) = Constructed();
        var a = (await DataWork.ProfileAsync(dataset, splits)).Answerability!;
        Assert.Multiple(() =>
        {
            Assert.That(a.Checked, Is.EqualTo(7));
            Assert.That(a.InGoldPassage, Is.EqualTo(4)); // a1, a2, a3, a7
            Assert.That(a.OnlyInOtherDocuments, Is.EqualTo(1)); // a5: its passage d9 does not exist, d3 has the answer
            Assert.That(a.InCorpusWithoutGoldPassage, Is.EqualTo(1)); // a6
            Assert.That(a.NotInCorpus, Is.EqualTo(1));
            Assert.That(a.NotInCorpusItems, Is.EqualTo(new[] { "a4" }));
            var a5 = a.Examples.Single(e => e.Item.Id == "a5");
            Assert.That(a5.Documents, Is.EqualTo(new[] { "d3" }));
            Assert.That(a5.Status, Is.EqualTo("only-in-other-documents"));
        });
    }

    [Test]
    public async Task CountsRealTokensWithTheGivenTokenizer()
    {
        var dataset = new EvaluationDataset("hello", [new EvaluationItem { Id = "h", Input = "Hello world", ExpectedOutputs = ["Hello"] }]);
        var profile = await DataWork.ProfileAsync(dataset, options: new DataWorkOptions { Tokenizer = PromptTokenizers.O200kBase, TokenizerName = "o200k_base" });
        Assert.Multiple(() =>
        {
            Assert.That(profile.LengthUnit, Is.EqualTo("o200k_base tokens"));
            Assert.That(profile.InputLength.Max, Is.EqualTo(2)); // "Hello" + " world"
            Assert.That(profile.AnswerLength.Max, Is.EqualTo(1));
        });
    }

    [Test]
    public void RefusesSplitsOfAnotherDatasetVersion()
    {
        var (dataset, splits) = Constructed();
        var changed = new EvaluationDataset(dataset.Name, dataset.Items.Skip(1), dataset.Corpus);
        Assert.That(() => DataWork.ProfileAsync(changed, splits), Throws.ArgumentException.With.Message.Contains("fingerprint"));
    }

    [Test]
    public async Task JsonRoundTripsAndForeignSchemasFail()
    {
        var (dataset, splits) = Constructed();
        var profile = await DataWork.ProfileAsync(dataset, splits, embeddings: Embeddings());
        var json = profile.ToJson();
        Assert.Multiple(() =>
        {
            Assert.That(DatasetProfile.FromJson(json).ToJson(), Is.EqualTo(json));
            Assert.That(() => DatasetProfile.FromJson(json.Replace("\"version\": 1", "\"version\": 2", StringComparison.Ordinal)), Throws.InstanceOf<LlmStrategies.Experiments.ExperimentFileException>().With.Message.Contains("version 2"));
            Assert.That(() => DatasetProfile.FromJson("{\"schema\":\"something-else\",\"version\":1}"), Throws.InstanceOf<LlmStrategies.Experiments.ExperimentFileException>());
        });
    }

    private static IEnumerable<string> Gap(DatasetProfile profile, string field) => profile.FieldGaps.Where(g => g.Field == field).SelectMany(g => g.Examples);
}

/// <summary>The near-duplicate search with the real local model and the default threshold.</summary>
public class NearDuplicateLocalModelTests
{
    [Test]
    public async Task TheDefaultThresholdPairsAParaphraseAndNotUnrelatedQuestions()
    {
        var items = new[]
        {
            AnalysisFixtures.Item("b1", "At which Super Bowl did Beyonce headline the halftime show?", "Super Bowl XLVII"),
            AnalysisFixtures.Item("b2", "At what Super Bowl did Beyoncé headline the halftime show?", "Super Bowl XLVII"),
            AnalysisFixtures.Item("c1", "What is the capital of France?", "Paris"),
            AnalysisFixtures.Item("c2", "How many legs does a spider have?", "eight"),
        };
        var profile = await DataWork.ProfileAsync(new EvaluationDataset("local", items), embeddings: LocalModel.Generator);
        Assert.Multiple(() =>
        {
            Assert.That(profile.Duplicates.NearThreshold, Is.EqualTo(DataWorkOptions.DefaultNearDuplicateThreshold));
            Assert.That(profile.Duplicates.NearPairs, Is.EqualTo(1));
            Assert.That(profile.Duplicates.Examples.Single().Items.Select(i => i.Id), Is.EquivalentTo(new[] { "b1", "b2" }));
        });
    }
}
