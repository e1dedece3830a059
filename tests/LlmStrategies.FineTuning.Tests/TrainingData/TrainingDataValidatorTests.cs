using Microsoft.Extensions.Options;
using System.Text;
using LlmStrategies.FineTuning.TrainingData;
using LlmStrategies.Prompting;

namespace LlmStrategies.Tests.FineTuning.TrainingData;

public class TrainingDataValidatorTests
{
    private static string Line(string user, string assistant, string? system = null) =>
        "{\"messages\":[" + (system is null ? string.Empty : $"{{\"role\":\"system\",\"content\":\"{system}\"}},") +
        $"{{\"role\":\"user\",\"content\":\"{user}\"}},{{\"role\":\"assistant\",\"content\":\"{assistant}\"}}]}}";

    private static IEnumerable<string> ValidLines(int count) => Enumerable.Range(0, count).Select(i => Line($"question {i}", $"answer {i}"));

    private static TrainingDataReport Validate(IEnumerable<string> lines, TrainingDataValidationOptions? options = null) =>
        Validate(string.Join("\n", lines) + "\n", options);

    private static TrainingDataReport Validate(string content, TrainingDataValidationOptions? options = null)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        return new TrainingDataValidator(options).Validate(stream, "train.jsonl");
    }

    private static TrainingDataIssue SingleIssueAt(TrainingDataReport report, int line) => report.Issues.Single(i => i.Line == line);

    private static TrainingDataIssue SingleErrorAt(TrainingDataReport report, int line) => report.Errors.Single(i => i.Line == line);

    [Test]
    public void ValidFile_HasNoIssues_AndCountsTokensTheCookbookWay()
    {
        var tokenizer = PromptTokenizers.O200kBase;
        var lines = ValidLines(10).Prepend(Line("Where is the café?", "Next to the station.", system: "Be brief.")).ToList();

        var report = Validate(lines);

        static int Message(string role, string content) => 3 + PromptTokenizers.O200kBase.CountTokens(role) + PromptTokenizers.O200kBase.CountTokens(content);
        var first = 3 + Message("system", "Be brief.") + Message("user", "Where is the café?") + Message("assistant", "Next to the station.");
        var others = Enumerable.Range(0, 10).Sum(i => 3 + Message("user", $"question {i}") + Message("assistant", $"answer {i}"));
        Assert.Multiple(() =>
        {
            Assert.That(report.IsValid, Is.True);
            Assert.That(report.Issues, Is.Empty);
            Assert.That(report.LineCount, Is.EqualTo(11));
            Assert.That(report.ValidExampleCount, Is.EqualTo(11));
            Assert.That(report.TotalTokens, Is.EqualTo(first + others));
            Assert.That(report.MaxExampleTokens, Is.EqualTo(first));
            Assert.That(report.TokenizerName, Is.EqualTo("o200k_base"));
            Assert.That(tokenizer.CountTokens("Be brief."), Is.GreaterThan(0));
        });
    }

    [Test]
    public void Cl100kTokenizer_CanBeChosen()
    {
        var text = "Ünïcödé and emoji 🚀 count differently across encodings";
        var lines = ValidLines(10).Append(Line(text, "ok")).ToList();

        var o200k = Validate(lines);
        var cl100k = Validate(lines, new TrainingDataValidationOptions { Tokenizer = PromptTokenizers.Cl100kBase, TokenizerName = "cl100k_base" });

        Assert.That(cl100k.TotalTokens - o200k.TotalTokens, Is.EqualTo(PromptTokenizers.Cl100kBase.CountTokens(text) - PromptTokenizers.O200kBase.CountTokens(text)));
    }

    [Test]
    public void EachProblem_IsReportedOnItsLine_WithFieldProblemAndFix()
    {
        var lines = new[]
        {
            Line("fine", "fine"),                                                                         // 1
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}",                                       // 2 invalid JSON
            "[1, 2]",                                                                                      // 3 not an object
            "{\"prompt\":\"hi\",\"completion\":\"there\"}",                                                 // 4 no messages
            "{\"messages\":[{\"role\":\"Customer\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"x\"}]}", // 5 bad role
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"  \"}]}",    // 6 empty assistant
            "{\"messages\":[{\"role\":\"user\",\"content\":\"only a question\"}]}",                         // 7 no assistant
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]},{\"role\":\"assistant\",\"content\":\"x\"}]}", // 8 content not a string
            "{\"messages\":[]}",                                                                          // 9 empty conversation
            "{\"messages\":[{\"role\":\"user\",\"content\":\"w\"},{\"role\":\"assistant\",\"content\":\"x\",\"weight\":2}]}", // 10 bad weight
            Line("fine", "fine"),                                                                         // 11 duplicate of 1
            "{\"messages\":[{\"content\":\"no role\"},{\"role\":\"assistant\",\"content\":\"x\"}]}",         // 12 missing role
        };

        var report = Validate(lines);

        Assert.Multiple(() =>
        {
            Assert.That(report.IsValid, Is.False);
            Assert.That(report.Issues.Where(i => i.Line == 1), Is.Empty);
            Assert.That(SingleErrorAt(report, 2).Problem, Does.Contain("not valid JSON"));
            Assert.That(SingleErrorAt(report, 3).Problem, Does.Contain("array, not an object"));
            Assert.That(report.Issues.Single(i => i.Line == 4 && i.Severity == TrainingDataIssueSeverity.Error).Field, Is.EqualTo("messages"));
            Assert.That(report.Issues.Where(i => i.Line == 4 && i.Severity == TrainingDataIssueSeverity.Warning).Select(i => i.Field), Is.EquivalentTo(new[] { "prompt", "completion" }));
            Assert.That(SingleErrorAt(report, 5).Field, Is.EqualTo("messages[0].role"));
            Assert.That(SingleErrorAt(report, 5).Problem, Does.Contain("\"Customer\""));
            Assert.That(SingleErrorAt(report, 5).Fix, Does.Contain("assistant, developer, system, user"));
            Assert.That(report.Issues.Where(i => i.Line == 6).Select(i => i.Field), Does.Contain("messages[1].content"));
            Assert.That(report.Issues.First(i => i.Line == 6).Problem, Is.EqualTo("the assistant turn is empty."));
            Assert.That(SingleErrorAt(report, 7).Problem, Does.Contain("no assistant turn"));
            Assert.That(SingleErrorAt(report, 8).Field, Is.EqualTo("messages[0].content"));
            Assert.That(SingleErrorAt(report, 9).Problem, Does.Contain("empty"));
            Assert.That(SingleErrorAt(report, 10).Field, Is.EqualTo("messages[1].weight"));
            Assert.That(SingleErrorAt(report, 11).Problem, Is.EqualTo("the example duplicates line 1."));
            Assert.That(report.Issues.First(i => i.Line == 12).Field, Is.EqualTo("messages[0].role"));
            Assert.That(report.Issues[^1].Line, Is.EqualTo(0), "the file-level minimum comes last");
            Assert.That(report.ValidExampleCount, Is.EqualTo(1));
            Assert.That(report.Errors.All(e => e.Fix.Length > 0), Is.True);
        });
    }

    [Test]
    public void TooFewExamples_IsAFileLevelError()
    {
        var report = Validate(ValidLines(9));

        var issue = report.Issues.Single();
        Assert.Multiple(() =>
        {
            Assert.That(issue.Line, Is.Zero);
            Assert.That(issue.Problem, Does.Contain("only 9 valid example(s); at least 10"));
            Assert.That(issue.ToString(), Does.StartWith("JSONL file: (file): only 9"));
        });
    }

    [Test]
    public void MinimumExamples_IsConfigurable() =>
        Assert.That(Validate(ValidLines(3), new TrainingDataValidationOptions { MinimumExamples = 3 }).IsValid, Is.True);

    [Test]
    public void EmptyFile_IsAnError() =>
        Assert.That(Validate(string.Empty).Errors.Single().Problem, Is.EqualTo("the file has no examples."));

    [Test]
    public void AnExampleOverTheTokenLimit_IsAnError_AndNotCounted()
    {
        var lines = ValidLines(10).Append(Line(string.Join(' ', Enumerable.Repeat("word", 50)), "ok")).ToList();

        var report = Validate(lines, new TrainingDataValidationOptions { MaxTokensPerExample = 40 });

        var issue = report.Errors.Single();
        Assert.Multiple(() =>
        {
            Assert.That(issue.Line, Is.EqualTo(11));
            Assert.That(issue.Problem, Does.Contain("more than the limit of 40"));
            Assert.That(report.ValidExampleCount, Is.EqualTo(10));
        });
    }

    [Test]
    public void TotalTokensOverTheLimit_IsAFileLevelError()
    {
        var report = Validate(ValidLines(10), new TrainingDataValidationOptions { MaxTotalTokens = 100 });

        Assert.That(report.Errors.Single(), Has.Property("Line").EqualTo(0).And.Property("Problem").Contains("more than the limit of 100"));
    }

    [Test]
    public void BlankLines_InTheMiddleAreErrors_ButTheFinalNewlineIsNot()
    {
        var report = Validate(string.Join("\n", ValidLines(5)) + "\n\n" + string.Join("\n", ValidLines(10).Skip(5)) + "\n");

        Assert.That(report.Errors.Single(), Has.Property("Line").EqualTo(6).And.Property("Problem").EqualTo("the line is blank."));
    }

    [Test]
    public void ByteOrderMarkAndWindowsLineEnds_AreAccepted()
    {
        var report = Validate("\uFEFF" + string.Join("\r\n", ValidLines(10)) + "\r\n");

        Assert.Multiple(() =>
        {
            Assert.That(report.Issues, Is.Empty);
            Assert.That(report.ValidExampleCount, Is.EqualTo(10));
        });
    }

    [Test]
    public void InvalidUtf8_IsReportedOnItsLine()
    {
        var bytes = new List<byte>(Encoding.UTF8.GetBytes(string.Join("\n", ValidLines(10)) + "\n"));
        bytes.AddRange(Encoding.UTF8.GetBytes("{\"messages\":[{\"role\":\"user\",\"content\":\"bad "));
        bytes.AddRange([0xC3, 0x28]);
        bytes.AddRange(Encoding.UTF8.GetBytes("\"},{\"role\":\"assistant\",\"content\":\"x\"}]}\n"));
        using var stream = new MemoryStream([.. bytes]);

        var report = new TrainingDataValidator().Validate(stream, "train.jsonl");

        Assert.That(report.Errors.Single().Line, Is.EqualTo(11));
    }

    [Test]
    public void Warnings_DoNotInvalidateTheFile()
    {
        var lines = ValidLines(10).Concat(
        [
            "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"system\",\"content\":\"late system\"},{\"role\":\"assistant\",\"content\":\"a\"}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"q2\"},{\"role\":\"assistant\",\"content\":\"a2\"},{\"role\":\"user\",\"content\":\"thanks\"}]}",
            Line("question 3", "a different answer"),
        ]).ToList();

        var report = Validate(lines);

        Assert.Multiple(() =>
        {
            Assert.That(report.IsValid, Is.True);
            Assert.That(report.Warnings.Select(w => w.Line), Is.EqualTo(new[] { 11, 12, 13 }));
            Assert.That(SingleIssueAt(report, 11).Problem, Does.Contain("system message appears after"));
            Assert.That(SingleIssueAt(report, 12).Problem, Does.Contain("ends with a user turn"));
            Assert.That(SingleIssueAt(report, 13).Problem, Does.Contain("same as line 4's but the final assistant answer differs"));
            Assert.That(SingleIssueAt(report, 13).ToString(), Does.StartWith("warning: JSONL line 13: messages:"));
        });
    }

    [Test]
    public void ThrowIfInvalid_ListsTheErrorsByLine()
    {
        var report = Validate(ValidLines(10).Append("not json"));

        var ex = Assert.Throws<TrainingDataValidationException>(report.ThrowIfInvalid)!;

        Assert.Multiple(() =>
        {
            Assert.That(ex.Path, Is.EqualTo("train.jsonl"));
            Assert.That(ex.Issues, Is.SameAs(report.Issues));
            Assert.That(ex.Message, Does.Contain("'train.jsonl' is not valid fine-tuning data: 1 error(s).").And.Contain("JSONL line 11: (line): the line is not valid JSON"));
        });
    }

    [Test]
    public void ValidateFile_ReadsFromDisk_AndReportsThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ft-validate-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, ValidLines(10));
        try
        {
            Assert.That(new TrainingDataValidator().Validate(path).Path, Is.EqualTo(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Options_AreChecked()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new TrainingDataValidator(new TrainingDataValidationOptions { Tokenizer = null! }), Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("Tokenizer"));
            Assert.That(() => new TrainingDataValidator(new TrainingDataValidationOptions { MaxTokensPerExample = 0 }), Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("MaxTokensPerExample"));
        });
    }
}
