using System.Text;
using LlmStrategies.Experiments;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.Experiments;

public class JsonlJournalTests
{
    private const string ChildRole = "journal-holder";
    private const string Schema = "test.journal";

    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void ASecondWriterInTheSameProcess_FailsNamingTheFile_AndTheFirstKeepsWriting()
    {
        var path = _temp.File("journal.jsonl");
        using var first = Open(path);

        var ex = Assert.Throws<ExperimentFileException>(() => Open(path));
        first.Append(new Line { Text = "still mine" });
        first.Dispose();
        using var reopened = Open(path);

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Path, Is.EqualTo(Path.GetFullPath(path)));
            Assert.That(ex.Message, Does.Contain("open for writing by another writer").And.Contain("its own"));
            Assert.That(reopened.Records.Select(r => r.Text), Is.EqualTo(new[] { "still mine" }));
            Assert.That(reopened.SkippedLines, Is.Zero);
        });
    }

    [Test]
    public void AReaderWhileAWriterHoldsTheFile_FailsInsteadOfReadingHalfWrittenLines()
    {
        var path = _temp.File("journal.jsonl");
        using var writer = Open(path);

        var ex = Assert.Throws<ExperimentFileException>(() => JsonlJournal<Line>.Open(path, Schema, 1, "id", LineJsonContext.Default.Line, "test journal", readOnly: true));
        Assert.That(ex!.Message, Does.Contain("open for writing by another writer"));
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task AWriterInAnotherProcess_KeepsThisProcessOut_UntilItExits()
    {
        var path = _temp.File("journal.jsonl");
        var ready = _temp.File("ready");
        var release = _temp.File("release");
        using var child = ChildTestProcess.Start(
            typeof(JsonlJournalTests).Assembly,
            $"FullyQualifiedName~{nameof(JsonlJournalTests)}.{nameof(ChildProcess_HoldsTheJournal)}",
            ChildRole,
            new Dictionary<string, string> { ["JOURNAL"] = path, ["READY"] = ready, ["RELEASE"] = release });
        await child.WaitForFileAsync(ready, TimeSpan.FromSeconds(90));

        var ex = Assert.Throws<ExperimentFileException>(() => Open(path));
        await File.WriteAllTextAsync(release, "go");
        await child.AssertPassedAsync(TimeSpan.FromSeconds(60));
        using var after = Open(path);

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("open for writing by another writer"));
            Assert.That(after.Records.Select(r => r.Text), Is.EqualTo(new[] { "from the child" }));
        });
    }

    /// <summary>The child's half of <see cref="AWriterInAnotherProcess_KeepsThisProcessOut_UntilItExits"/>; does nothing in a normal run.</summary>
    [Test]
    public async Task ChildProcess_HoldsTheJournal()
    {
        if (ChildTestProcess.Role != ChildRole)
        {
            Assert.Pass("Runs only as the child of AWriterInAnotherProcess_KeepsThisProcessOut_UntilItExits.");
        }

        using var journal = Open(Environment.GetEnvironmentVariable("JOURNAL")!);
        journal.Append(new Line { Text = "from the child" });
        await File.WriteAllTextAsync(Environment.GetEnvironmentVariable("READY")!, "held");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!File.Exists(Environment.GetEnvironmentVariable("RELEASE")!))
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    [Test]
    public void CorruptAndInvalidUtf8Lines_AreSkippedCountedAndReported_TheRestLoads()
    {
        var path = _temp.File("journal.jsonl");
        using (var journal = Open(path))
        {
            journal.Append(new Line { Text = "one" });
            journal.Append(new Line { Text = "two" });
        }

        var bytes = new List<byte>(File.ReadAllBytes(path));
        bytes.AddRange("{\"text\":\"thr{\"text\":\"interleaved\"}\n"u8.ToArray()); // two writers' bytes mixed on one line
        bytes.AddRange("{\"text\":\"bad "u8.ToArray());
        bytes.Add(0xFF); // never valid in UTF-8
        bytes.AddRange(" byte\"}\n{\"text\":\"four\"}\n"u8.ToArray());
        File.WriteAllBytes(path, [.. bytes]);

        using var reopened = Open(path);
        reopened.Append(new Line { Text = "five" });

        Assert.Multiple(() =>
        {
            Assert.That(reopened.Records.Select(r => r.Text), Is.EqualTo(new[] { "one", "two", "four" }));
            Assert.That(reopened.SkippedLines, Is.EqualTo(2));
            Assert.That(reopened.Notes, Has.Some.Contains("line 4: it is not a valid record").And.Some.Contains("line 5: it is not valid UTF-8"));
            Assert.That(reopened.Notes, Has.All.Contains(Path.GetFullPath(path)).And.All.Contains("Delete the line"));
        });
    }

    [Test]
    public void ATornLastLine_IsCutAndCounted()
    {
        var path = _temp.File("journal.jsonl");
        using (var journal = Open(path))
        {
            journal.Append(new Line { Text = "one" });
        }

        File.AppendAllText(path, "{\"text\":\"tw");
        using var reopened = Open(path);

        Assert.Multiple(() =>
        {
            Assert.That(reopened.Records.Select(r => r.Text), Is.EqualTo(new[] { "one" }));
            Assert.That(reopened.SkippedLines, Is.EqualTo(1));
            Assert.That(reopened.Notes.Single(), Does.Contain("cut short"));
        });
    }

    [TestCase("{\"schema\":1,\"version\":1,\"identity\":\"id\"}", "its schema is '1'")]
    [TestCase("{\"schema\":\"test.journal\",\"version\":\"1\",\"identity\":\"id\"}", "its version is \"1\", not a whole number")]
    [TestCase("{\"schema\":\"test.journal\",\"version\":1.5,\"identity\":\"id\"}", "its version is 1.5")]
    [TestCase("{\"schema\":\"test.journal\",\"version\":1e400,\"identity\":\"id\"}", "its version is 1e400")]
    [TestCase("{\"schema\":\"test.journal\",\"version\":99999999999,\"identity\":\"id\"}", "its version is 99999999999")]
    [TestCase("{\"schema\":\"test.journal\",\"version\":1,\"identity\":7}", "written for identity 7")]
    [TestCase("[\"test.journal\",1]", "its header is a JSON array")]
    [TestCase("\"test.journal\"", "its header is a JSON string")]
    public void AHeaderWithWrongJsonTypes_IsReportedAsAForeignFile(string header, string expected)
    {
        var path = _temp.Write("journal.jsonl", header + "\n");

        var ex = Assert.Throws<ExperimentFileException>(() => Open(path));

        Assert.That(ex!.Message, Does.Contain("belongs to something else").And.Contain(expected));
    }

    private static JsonlJournal<Line> Open(string path) =>
        JsonlJournal<Line>.Open(path, Schema, 1, "id", LineJsonContext.Default.Line, "test journal");
}

internal sealed class Line
{
    [System.Text.Json.Serialization.JsonPropertyName("text")]
    public required string Text { get; init; }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Line))]
internal sealed partial class LineJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
