using LlmStrategies.Evaluation;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.Evaluation.Datasets;

public class DatasetSplitterTests
{
    private static EvaluationDataset Dataset(int count, Func<int, string?>? label = null, Func<int, string>? group = null) =>
        new("data", Enumerable.Range(0, count).Select(i => new EvaluationItem
        {
            Id = $"i{i:D3}",
            Input = $"question {i}",
            ExpectedOutputs = ["a"],
            Label = label?.Invoke(i),
            Metadata = group is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["article"] = group(i) },
        }));

    [Test]
    public void SameSeed_SameSplit_DifferentSeed_DifferentSplit()
    {
        var data = Dataset(100);
        var a = DatasetSplitter.Split(data, new SplitOptions { Seed = 5 });
        var b = DatasetSplitter.Split(data, new SplitOptions { Seed = 5 });
        var c = DatasetSplitter.Split(data, new SplitOptions { Seed = 6 });

        Assert.Multiple(() =>
        {
            Assert.That(b.Test, Is.EqualTo(a.Test));
            Assert.That(b.TestFingerprint, Is.EqualTo(a.TestFingerprint));
            Assert.That(c.Test, Is.Not.EqualTo(a.Test));
        });
    }

    [Test]
    public void Split_IsAPartitionInTheRequestedProportions()
    {
        var manifest = DatasetSplitter.Split(Dataset(100), new SplitOptions { TrainFraction = 0.5, DevFraction = 0.2, TestFraction = 0.3 });

        var all = manifest.Train.Concat(manifest.Dev).Concat(manifest.Test).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(manifest.Train, Has.Count.EqualTo(50));
            Assert.That(manifest.Dev, Has.Count.EqualTo(20));
            Assert.That(manifest.Test, Has.Count.EqualTo(30));
            Assert.That(all.Distinct().Count(), Is.EqualTo(100));
        });
    }

    [Test]
    public void Stratified_EveryLabelIsSplitInProportion()
    {
        // 60 "a", 30 "b", 10 "c": with 20 % test each label contributes 12, 6 and 2 test items.
        var data = Dataset(100, i => i < 60 ? "a" : i < 90 ? "b" : "c");
        var manifest = DatasetSplitter.Split(data, new SplitOptions { Seed = 1 });
        var labels = manifest.Test.Select(id => data.Items.First(i => i.Id == id).Label).GroupBy(l => l).ToDictionary(g => g.Key!, g => g.Count());

        Assert.That(labels, Is.EqualTo(new Dictionary<string, int> { ["a"] = 12, ["b"] = 6, ["c"] = 2 }));
    }

    [Test]
    public void Grouped_NoGroupStraddlesTwoParts_EvenWithOneLabelPerGroup()
    {
        // 20 articles of 5 questions, labelled by article (like SQuAD): every stratum is a single group.
        var data = Dataset(100, i => $"article{i / 5}", i => $"article{i / 5}");
        var manifest = DatasetSplitter.Split(data, new SplitOptions { GroupBy = "article", Seed = 3 });
        string PartOf(string id) => manifest.Train.Contains(id) ? "train" : manifest.Dev.Contains(id) ? "dev" : "test";

        Assert.Multiple(() =>
        {
            foreach (var article in data.Items.GroupBy(i => i.Metadata["article"]))
            {
                Assert.That(article.Select(i => PartOf(i.Id)).Distinct().Count(), Is.EqualTo(1), article.Key);
            }

            Assert.That(manifest.Test, Has.Count.EqualTo(20), "4 of 20 groups");
            Assert.That(manifest.Dev, Has.Count.EqualTo(20));
            Assert.That(manifest.Train, Has.Count.EqualTo(60));
        });
    }

    [Test]
    public void FileOrder_DoesNotChangeTheSplit()
    {
        var data = Dataset(50);
        var reversed = new EvaluationDataset("data", data.Items.Reverse());
        Assert.That(DatasetSplitter.Split(reversed).Test.Order(), Is.EqualTo(DatasetSplitter.Split(data).Test.Order()));
    }

    [Test]
    public void Manifest_RoundTrips_AndApplies()
    {
        using var temp = new TempDirectory();
        var data = Dataset(40);
        var manifest = DatasetSplitter.Split(data, new SplitOptions { Seed = 9 });
        manifest.Save(temp.File("split.json"));

        var loaded = SplitManifest.Load(temp.File("split.json"));
        var splits = loaded.Apply(data);

        Assert.Multiple(() =>
        {
            Assert.That(loaded.Test, Is.EqualTo(manifest.Test));
            Assert.That(loaded.Seed, Is.EqualTo(9));
            Assert.That(loaded.DatasetFingerprint, Is.EqualTo(data.Fingerprint));
            Assert.That(splits.Test.Items.Select(i => i.Id), Is.EqualTo(manifest.Test));
            Assert.That(File.ReadAllText(temp.File("split.json")), Does.Contain("\"schema\": \"llmstrategies.split-manifest\""));
        });
    }

    [Test]
    public void Apply_ToChangedData_FailsLoudly()
    {
        var manifest = DatasetSplitter.Split(Dataset(10));
        var changed = Dataset(11);
        var ex = Assert.Throws<DatasetFormatException>(() => manifest.Apply(changed));
        Assert.That(ex!.Message, Does.Contain("the data changed since the split"));
    }

    [Test]
    public void Load_ForeignFile_FailsLoudly()
    {
        using var temp = new TempDirectory();
        var path = temp.Write("other.json", "{\"schema\": \"something-else\", \"version\": 1}");
        Assert.Throws<DatasetFormatException>(() => SplitManifest.Load(path));
        Assert.Throws<DatasetFormatException>(() => SplitManifest.Load(temp.Write("garbage.json", "{not json")));
    }

    [Test]
    public void Load_AManifestThatIsNotAPartition_FailsLoudly()
    {
        using var temp = new TempDirectory();
        var data = Dataset(10);
        var path = temp.File("split.json");
        DatasetSplitter.Split(data).Save(path);
        var text = File.ReadAllText(path);
        var firstTest = DatasetSplitter.Split(data).Test[0];
        File.WriteAllText(path, text.Replace("\"train\": [", $"\"train\": [\"{firstTest}\", ", StringComparison.Ordinal));

        var ex = Assert.Throws<DatasetFormatException>(() => SplitManifest.Load(path));
        Assert.That(ex!.Message, Does.Contain($"lists item '{firstTest}' twice"));
    }

    [Test]
    public void BadFractions_AreRejected()
    {
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => DatasetSplitter.Split(Dataset(5), new SplitOptions { TrainFraction = 0.5, DevFraction = 0.5, TestFraction = 0.5 }));
        Assert.That(ex!.Message, Does.Contain("SplitOptions.TrainFraction (0.5), DevFraction (0.5) and TestFraction (0.5) must sum to 1"));
        Assert.That(() => DatasetSplitter.Split(Dataset(5), new SplitOptions { TrainFraction = -0.2, DevFraction = 0.6, TestFraction = 0.6 }),
            Throws.TypeOf<Microsoft.Extensions.Options.OptionsValidationException>().With.Message.Contains("SplitOptions.TrainFraction must be a fraction between 0 and 1"));
    }

    [Test]
    public void AMisspeltGroupByField_IsAnErrorNamingItAndTheFieldsThatExist()
    {
        var dataset = new EvaluationDataset("articles", Enumerable.Range(0, 20).Select(i => new EvaluationItem
        {
            Id = $"q{i}",
            Input = $"question {i}",
            Metadata = new Dictionary<string, string> { ["article"] = $"a{i / 4}", ["paragraph"] = $"p{i}" },
        }));

        var ex = Assert.Throws<ArgumentException>(() => DatasetSplitter.Split(dataset, new SplitOptions { GroupBy = "artcle" }));

        Assert.That(ex!.Message, Does.Contain("SplitOptions.GroupBy is 'artcle'").And.Contain("The fields that exist are: article, paragraph."));
    }

    [Test]
    public void ABomInAManifest_Loads_AndANullIdIsAnErrorNamingItsPlace()
    {
        using var temp = new TempDirectory();
        var manifest = DatasetSplitter.Split(Dataset(10));
        var path = temp.File("split.json");
        manifest.Save(path);
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(path)]);

        var loaded = SplitManifest.Load(path);
        var withNull = temp.Write("null.json", File.ReadAllText(path).Replace($"\"{manifest.Test[0]}\"", "null", StringComparison.Ordinal));

        Assert.Multiple(() =>
        {
            Assert.That(loaded.Test, Is.EqualTo(manifest.Test));
            Assert.That(() => SplitManifest.Load(withNull), Throws.TypeOf<DatasetFormatException>().With.Message.Contains("\"test\"[0] is null"));
        });
    }
}
