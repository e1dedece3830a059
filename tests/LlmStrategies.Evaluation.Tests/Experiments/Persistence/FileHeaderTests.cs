using System.Text.Json;
using LlmStrategies.Experiments;

namespace LlmStrategies.Tests.Experiments;

public class FileHeaderTests
{
    /// <summary>The wrong JSON types that used to escape as InvalidOperationException or FormatException from JsonElement.</summary>
    private static readonly string[] WrongTypes =
    [
        "{\"schema\":1,\"version\":1}",
        "{\"schema\":[\"a\"],\"version\":1}",
        "{\"schema\":\"s\",\"version\":\"1\"}",
        "{\"schema\":\"s\",\"version\":1.5}",
        "{\"schema\":\"s\",\"version\":1e400}",
        "{\"schema\":\"s\",\"version\":99999999999}",
        "[\"s\",1]",
        "\"s\"",
    ];

    [TestCaseSource(nameof(WrongTypes))]
    public void WrongJsonTypes_AreAMismatch_NeverAnException(string header)
    {
        using var document = JsonDocument.Parse(header);

        Assert.That(FileHeader.Mismatch(document.RootElement, "s", 1, identity: null), Is.Not.Null);
    }

    [TestCaseSource(nameof(WrongTypes))]
    public void AReportHeaderWithWrongJsonTypes_IsAnExperimentFileException(string header)
    {
        var ex = Assert.Throws<ExperimentFileException>(() => ExperimentReport.FromJson(header));

        Assert.That(ex!.Message, Does.Contain("experiment report"));
    }

    [Test]
    public void AMatchingHeader_IsNoMismatch()
    {
        using var document = JsonDocument.Parse("{\"schema\":\"s\",\"version\":1,\"identity\":\"i\"}");

        Assert.Multiple(() =>
        {
            Assert.That(FileHeader.Mismatch(document.RootElement, "s", 1, "i"), Is.Null);
            Assert.That(FileHeader.Mismatch(document.RootElement, "s", 2, "i"), Does.Contain("it is version 1, this library reads version 2"));
            Assert.That(FileHeader.Mismatch(document.RootElement, "s", 1, "j"), Does.Contain("written for identity i"));
        });
    }
}
