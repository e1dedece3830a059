using LlmStrategies.Evaluation;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.Evaluation.Datasets;

public class DatasetWriterTests
{
    [Test]
    public void WriteJsonl_IsReadBackByTheLoader_FieldForField()
    {
        using var folder = new TempDirectory();
        EvaluationItem[] items =
        [
            new() { Id = "q1", Input = "Wie \"lang\" ist die Garantie? ü", ExpectedOutputs = ["3 Jahre", "drei Jahre"], Label = "warranty", Metadata = new Dictionary<string, string> { ["article"] = "a1" }, RelevantDocuments = new Dictionary<string, double> { ["d1"] = 2 } },
            new() { Id = "q2", Input = "second", ExpectedOutputs = ["x"] },
        ];
        var path = folder.File("nested/items.jsonl");

        DatasetWriter.WriteJsonl(path, items);
        var loaded = DatasetLoader.LoadJsonl(path);

        Assert.Multiple(() =>
        {
            Assert.That(loaded.Items.Select(i => i.Id), Is.EqualTo(new[] { "q1", "q2" }));
            Assert.That(loaded.Items[0].Input, Is.EqualTo(items[0].Input));
            Assert.That(loaded.Items[0].ExpectedOutputs, Is.EqualTo(items[0].ExpectedOutputs));
            Assert.That(loaded.Items[0].Label, Is.EqualTo("warranty"));
            Assert.That(loaded.Items[0].Metadata["article"], Is.EqualTo("a1"));
            Assert.That(loaded.Items[0].RelevantDocuments["d1"], Is.EqualTo(2));
            Assert.That(File.ReadAllText(path), Does.Contain("ü"), "non-ASCII text is written as is, not escaped");
            Assert.That(Directory.GetFiles(folder.File("nested")), Has.Length.EqualTo(1), "no temporary file is left behind");
        });
    }
}
