using Microsoft.Extensions.Options;
using System.Text.Json;
using LlmStrategies.FewShot;
using LlmStrategies.FineTuning.TrainingData;

namespace LlmStrategies.Tests.FineTuning.TrainingData;

public class TrainingDataExporterTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("ft-export-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static TrainingExample Example(string id, string input, string output) => new() { Id = id, Input = input, Output = output };

    [Test]
    public void Export_WritesOneChatObjectPerLine_InOrder_WithTheSystemPrompt()
    {
        var path = Path.Combine(_folder, "sub", "train.jsonl");
        var exporter = new TrainingDataExporter(new TrainingDataExportOptions { SystemPrompt = "Be brief." });

        var export = exporter.Export([Example("a", "Hello?", "Hi."), Example("b", "Naïve “quotes” and \"escapes\"\nnew line", "ok")], ["something else"], path);

        var lines = File.ReadAllLines(path);
        Assert.Multiple(() =>
        {
            Assert.That(export.Path, Is.EqualTo(Path.GetFullPath(path)));
            Assert.That(export.ExampleCount, Is.EqualTo(2));
            Assert.That(export.ExcludedLeaks, Is.Empty);
            Assert.That(lines, Has.Length.EqualTo(2));
            Assert.That(lines[0], Is.EqualTo("{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hello?\"},{\"role\":\"assistant\",\"content\":\"Hi.\"}]}"));
            using var second = JsonDocument.Parse(lines[1]);
            Assert.That(second.RootElement.GetProperty("messages")[1].GetProperty("content").GetString(), Is.EqualTo("Naïve “quotes” and \"escapes\"\nnew line"));
            Assert.That(lines[1], Does.Contain("Naïve “quotes”"), "non-ASCII text stays readable");
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Has.Length.EqualTo(1), "no temporary file is left behind");
        });
    }

    [Test]
    public void Export_WithoutSystemPrompt_WritesUserAndAssistantOnly()
    {
        var path = Path.Combine(_folder, "train.jsonl");

        new TrainingDataExporter().Export([Example("a", "Q", "A")], [], path);

        Assert.That(File.ReadAllText(path), Is.EqualTo("{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":\"assistant\",\"content\":\"A\"}]}\n"));
    }

    [Test]
    public void Export_RefusesTestItems_NamingTheExampleAndTheTestItem_AndWritesNothing()
    {
        var path = Path.Combine(_folder, "train.jsonl");
        TrainingExample[] train =
        [
            Example("q1", "How long is the warranty?", "Two years."),
            Example("q2", "HOW LONG is the warranty ?!", "Two years."),
            Example("q3", "Where is the nearest shop?", "In the high street."),
        ];

        var ex = Assert.Throws<TrainingDataLeakageException>(() => new TrainingDataExporter().Export(train, ["Where can I buy it?", "how long is the warranty"], path))!;

        Assert.Multiple(() =>
        {
            Assert.That(ex.Leaks.Select(l => (l.ExampleId, l.ExampleIndex, l.TestIndex)), Is.EqualTo(new[] { ("q1", 0, 1), ("q2", 1, 1) }));
            Assert.That(ex.Message, Does.Contain("'q1'").And.Contain("'q2'").And.Contain("test input 1").And.Contain("ExcludeLeakedExamples"));
            Assert.That(File.Exists(path), Is.False);
        });
    }

    [Test]
    public void Export_FindsNearDuplicates_AtTheGuardsThreshold()
    {
        var test = "the quick brown fox jumps over the lazy dog near the river bank today";
        var nearCopy = "the quick brown fox jumps over the lazy dog near the river bank today!";
        var oneWordChanged = "the quick brown fox jumps over the lazy cat near the river bank today";

        var strict = new TrainingDataExporter(new TrainingDataExportOptions { LeakageGuard = new LeakageGuard(0.9) });
        var loose = new TrainingDataExporter(new TrainingDataExportOptions { LeakageGuard = new LeakageGuard(0.8) });
        TrainingExample[] train = [Example("copy", nearCopy, "x"), Example("changed", oneWordChanged, "x")];

        Assert.Multiple(() =>
        {
            Assert.That(strict.FindLeaks(train, [test]).Select(l => l.ExampleId), Is.EqualTo(new[] { "copy" }));
            Assert.That(loose.FindLeaks(train, [test]).Select(l => l.ExampleId), Is.EqualTo(new[] { "copy", "changed" }));
        });
    }

    [Test]
    public void Export_ExcludingLeaks_WritesTheRest_AndReportsWhatWasLeftOut()
    {
        var path = Path.Combine(_folder, "train.jsonl");
        var exporter = new TrainingDataExporter(new TrainingDataExportOptions { ExcludeLeakedExamples = true });

        var export = exporter.Export([Example("keep", "Is there parking?", "Yes."), new TrainingExample { Input = "What time do you open?", Output = "At nine." }], ["what time do you open"], path);

        Assert.Multiple(() =>
        {
            Assert.That(export.ExampleCount, Is.EqualTo(1));
            Assert.That(export.ExcludedLeaks.Single().ExampleId, Is.EqualTo("#1"), "an example without an id is named by its position");
            Assert.That(File.ReadAllLines(path).Single(), Does.Contain("Is there parking?"));
        });
    }

    [Test]
    public void Export_ReplacesAnExistingFile()
    {
        var path = Path.Combine(_folder, "train.jsonl");
        File.WriteAllText(path, "old content that is longer than the new one ........................................");

        new TrainingDataExporter().Export([Example("a", "Q", "A")], [], path);

        Assert.That(File.ReadAllLines(path), Has.Length.EqualTo(1).And.All.StartsWith("{\"messages\""));
    }

    [TestCase("", "answer", "empty input")]
    [TestCase("question", " ", "empty output")]
    public void Export_RejectsAnEmptyTurn_NamingTheExample(string input, string output, string problem)
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrainingDataExporter().Export([Example("ok", "q", "a"), Example("bad-7", input, output)], [], Path.Combine(_folder, "t.jsonl")))!;

        Assert.That(ex.Message, Does.Contain("'bad-7'").And.Contain(problem));
    }

    [Test]
    public void Constructor_RejectsAMissingGuard() =>
        Assert.That(() => new TrainingDataExporter(new TrainingDataExportOptions { LeakageGuard = null! }), Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("LeakageGuard"));

    [Test]
    public void ExportedFile_PassesValidation()
    {
        var path = Path.Combine(_folder, "train.jsonl");
        var train = Enumerable.Range(0, 12).Select(i => Example($"e{i}", $"Question number {i} about item {i * 7}?", $"Answer {i}.")).ToList();

        new TrainingDataExporter(new TrainingDataExportOptions { SystemPrompt = "You answer questions." }).Export(train, ["unrelated"], path);
        var report = new TrainingDataValidator().Validate(path);

        Assert.Multiple(() =>
        {
            Assert.That(report.IsValid, Is.True, string.Join("\n", report.Issues));
            Assert.That(report.Issues, Is.Empty);
            Assert.That(report.ValidExampleCount, Is.EqualTo(12));
        });
    }
}
