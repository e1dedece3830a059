using System.Text.Json;
using LlmStrategies.Cli.Commands;

namespace LlmStrategies.Cli.Tests.Commands;

/// <summary><c>profile</c> and <c>analyze</c> in-process over the dataset 'init' writes, after an offline <c>eval</c>.</summary>
public sealed class DataCommandsTests
{
    private TempFolder _folder = null!;

    private string Config => _folder.File("llmstrategies.yaml");

    private string Output => _folder.File("artifacts/llmstrategies");

    [SetUp]
    public async Task SetUp()
    {
        _folder = new TempFolder();
        Assert.That((await CliAppTests.RunCli("init", "--dir", _folder.Path)).Code, Is.EqualTo(ExitCodes.Success));
    }

    [TearDown]
    public void TearDown() => _folder.Dispose();

    [Test]
    public async Task Profile_WritesTheProfileOfTheConfigsDataset()
    {
        var (code, output, _) = await CliAppTests.RunCli("profile", "-c", Config, "-o", "json");

        Assert.That(code, Is.EqualTo(ExitCodes.Success));
        using var result = JsonDocument.Parse(output);
        Assert.That(result.RootElement.GetProperty("files").EnumerateArray().Select(f => Path.GetFileName(f.GetString())), Is.EqualTo(new[] { "profile.json", "profile.md" }));
        using var profile = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Output, "profile.json")));
        var splits = profile.RootElement.GetProperty("splits").EnumerateArray().ToDictionary(x => x.GetProperty("name").GetString()!, x => x.GetProperty("items").GetInt32());
        Assert.Multiple(() =>
        {
            Assert.That(splits.Keys, Is.EquivalentTo(new[] { "train", "dev", "test" }), "split as eval splits it");
            Assert.That(splits.Values.Sum(), Is.EqualTo(24), "the init dataset's 24 questions");
            Assert.That(profile.RootElement.GetProperty("corpusDocuments").GetInt32(), Is.EqualTo(8));
        });
    }

    [Test]
    public async Task Analyze_RanksWhatToFixFirstForTheRecommendedRung()
    {
        Assert.That((await CliAppTests.RunCli("eval", "-c", Config)).Code, Is.EqualTo(ExitCodes.Success));

        var (code, output, _) = await CliAppTests.RunCli("analyze", "-c", Config, "--report", Path.Combine(Output, "report.json"), "--strategy", "prompt-only");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Success));
            Assert.That(output, Does.StartWith("Where it fails: prompt-only scores"));
            Assert.That(File.Exists(Path.Combine(Output, "data-work.json")), Is.True);
            Assert.That(File.Exists(Path.Combine(Output, "data-work.html")), Is.True);
        });
    }

    [Test]
    public async Task Analyze_OfAMissingReport_IsAUsageError()
    {
        var (code, _, error) = await CliAppTests.RunCli("analyze", "-c", Config, "--report", _folder.File("missing.json"));

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
            Assert.That(error, Does.Contain("missing.json").And.Contain("does not exist"));
        });
    }
}
