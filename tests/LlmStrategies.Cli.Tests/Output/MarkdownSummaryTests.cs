using LlmStrategies.Cli.Output;

namespace LlmStrategies.Cli.Tests.Output;

public sealed class MarkdownSummaryTests
{
    [Test]
    public void CellsStayOnOneLineWithLiteralPipes() =>
        Assert.That(MarkdownSummary.Escape("a|b\nc"), Is.EqualTo("a\\|b c"));

    [Test]
    public void AppendKeepsWhatOtherStepsWrote()
    {
        using var folder = new TempFolder();
        var path = folder.File("summary.md");
        File.WriteAllText(path, "earlier step\n");

        MarkdownSummary.Append(path, "## ours\n");

        Assert.That(File.ReadAllText(path), Is.EqualTo("earlier step\n## ours\n"));
    }
}
