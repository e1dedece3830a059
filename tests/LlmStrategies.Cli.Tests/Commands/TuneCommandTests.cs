using System.Text.Json;
using LlmStrategies.Cli.Commands;
using LlmStrategies.Tuning;

namespace LlmStrategies.Cli.Tests.Commands;

public sealed class TuneCommandTests
{
    private TempFolder _folder = null!;

    private string Config => _folder.File("llmstrategies.yaml");

    [SetUp]
    public async Task SetUp()
    {
        _folder = new TempFolder();
        Assert.That(await Run("init", "--dir", _folder.Path), Is.EqualTo(ExitCodes.Success));
    }

    [TearDown]
    public void TearDown() => _folder.Dispose();

    [Test]
    public async Task TuneWritesATunedConfigurationThatEvalRunsAsARung()
    {
        var console = new TestConsole();
        var code = await CliApp.RunAsync(["tune", "-c", Config, "-o", "json"], console.Console, CancellationToken.None);

        Assert.That(code, Is.EqualTo(ExitCodes.Success), console.Error.ToString());
        using (var json = JsonDocument.Parse(console.Out.ToString()))
        {
            // The init space is 3 strategies x 2 tops x 2 example counts x 2 selectors; the baseline can only answer with retrieval.
            Assert.That(json.RootElement.GetProperty("chosen").GetProperty("strategy").GetString(), Does.Contain("rag"));
            Assert.That(json.RootElement.GetProperty("chosenDevMean").GetDouble(), Is.GreaterThanOrEqualTo(json.RootElement.GetProperty("baselineDevMean").GetDouble()));
        }

        var tunedPath = _folder.File("artifacts/llmstrategies/tuned.json");
        Assert.That(TunedConfiguration.Load(tunedPath).Space.Parameters.Select(p => p.Name), Is.EqualTo(new[] { "strategy", "retriever", "top", "examples", "selector" }));

        await AddTunedRung();
        var eval = new TestConsole();
        Assert.That(await CliApp.RunAsync(["eval", "-c", Config, "-o", "json"], eval.Console, CancellationToken.None), Is.EqualTo(ExitCodes.Success), eval.Error.ToString());
        using var report = JsonDocument.Parse(eval.Out.ToString());
        Assert.That(report.RootElement.GetProperty("strategies").EnumerateArray().Select(s => s.GetProperty("name").GetString()), Does.Contain("tuned"));
    }

    [Test]
    public async Task ATunedRungWhoseCorpusChangedIsRefusedWithExitCode2()
    {
        Assert.That(await Run("tune", "-c", Config), Is.EqualTo(ExitCodes.Success));
        await AddTunedRung();
        var corpus = _folder.File("data/corpus.jsonl");
        await File.AppendAllTextAsync(corpus, "{\"_id\":\"d9\",\"text\":\"The Iris Lamp has three colour temperatures.\"}\n");

        var console = new TestConsole();
        var code = await CliApp.RunAsync(["eval", "-c", Config], console.Console, CancellationToken.None);

        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(console.Error.ToString(), Does.Contain("no longer matches what was tuned"));
    }

    [Test]
    public async Task AConfigWithoutATuneSectionIsAConfigError()
    {
        var text = await File.ReadAllTextAsync(Config);
        await File.WriteAllTextAsync(Config, text[..text.IndexOf("tune:", StringComparison.Ordinal)]);

        Assert.That(await Run("tune", "-c", Config), Is.EqualTo(ExitCodes.ConfigError));
    }

    private async Task AddTunedRung()
    {
        var text = await File.ReadAllTextAsync(Config);
        await File.WriteAllTextAsync(Config, text.Replace("  # - name: tuned\n  #   tuned: artifacts", "  - name: tuned\n    tuned: artifacts", StringComparison.Ordinal));
    }

    private static async Task<int> Run(params string[] args) => await CliApp.RunAsync(args, new TestConsole().Console, CancellationToken.None);
}
