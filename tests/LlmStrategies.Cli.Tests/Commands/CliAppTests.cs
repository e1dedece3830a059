using System.Text.Json;
using System.Xml.Linq;
using LlmStrategies.Cli.Commands;

namespace LlmStrategies.Cli.Tests.Commands;

/// <summary>The commands run in-process on the offline baseline over the dataset 'init' writes.</summary>
public sealed class CliAppTests
{
    private TempFolder _folder = null!;

    private string Config => _folder.File("llmstrategies.yaml");

    private string Output => _folder.File("artifacts/llmstrategies");

    [SetUp]
    public async Task SetUp()
    {
        _folder = new TempFolder();
        var (code, _, _) = await Run("init", "--dir", _folder.Path);
        Assert.That(code, Is.EqualTo(ExitCodes.Success));
    }

    [TearDown]
    public void TearDown() => _folder.Dispose();

    [Test]
    public async Task InitThenEvalWritesTheReportsAndScoresTheRungs()
    {
        var (code, output, _) = await Run("eval", "-c", Config, "-o", "json");

        Assert.That(code, Is.EqualTo(ExitCodes.Success));
        using var json = JsonDocument.Parse(output);
        var strategies = json.RootElement.GetProperty("strategies").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("mean").GetDouble());
        Assert.That(strategies.Keys, Is.EquivalentTo(new[] { "prompt-only", "few-shot", "rag-bm25", "few-shot+rag-bm25" }));
        // The extractive baseline answers only from retrieved context: 0 without it, and the init dataset's questions
        // each name their product, so BM25 finds the answering document.
        Assert.That(strategies["prompt-only"], Is.Zero);
        Assert.That(strategies["rag-bm25"], Is.GreaterThan(0.5));
        foreach (var file in new[] { "report.json", "report.md", "report.html", "split.json", "cache/responses.jsonl" })
        {
            Assert.That(File.Exists(Path.Combine(Output, file)), Is.True, file);
        }

        Assert.That(File.Exists(Path.Combine(Output, "checkpoint.jsonl")), Is.False, "a finished run deletes its checkpoint");
    }

    [Test]
    public async Task ASecondEvalIsAnsweredFromTheResponseCache()
    {
        await Run("eval", "-c", Config);
        var (code, output, _) = await Run("eval", "-c", Config, "-o", "json");

        using var json = JsonDocument.Parse(output);
        Assert.That(code, Is.EqualTo(ExitCodes.Success));
        Assert.That(json.RootElement.GetProperty("fromCache").GetInt32(), Is.EqualTo(json.RootElement.GetProperty("runs").GetInt32()));
    }

    [Test]
    public async Task EvalWritesJUnitAndAMarkdownSummary()
    {
        var junit = _folder.File("ci/junit.xml");
        var summary = _folder.File("ci/summary.md");
        await Run("eval", "-c", Config, "--junit", junit, "--summary", summary);

        var xml = XDocument.Load(junit);
        var suites = xml.Root!.Elements("testsuite").ToList();
        Assert.That(suites.Select(s => (string)s.Attribute("name")!), Is.EquivalentTo(new[] { "items.prompt-only", "items.few-shot", "items.rag-bm25", "items.few-shot+rag-bm25" }));
        var promptOnly = suites.Single(s => (string)s.Attribute("name")! == "items.prompt-only");
        Assert.That(promptOnly.Elements("testcase").All(c => c.Element("failure") is not null), Is.True, "every prompt-only item scores 0, below the pass score");
        Assert.That((int)xml.Root.Attribute("failures")!, Is.EqualTo(xml.Descendants("failure").Count()));
        var markdown = await File.ReadAllTextAsync(summary);
        Assert.That(markdown, Does.StartWith("## llmstrategies: "));
        Assert.That(markdown, Does.Contain("| rag-bm25"));
        Assert.That(markdown, Does.Contain("### Failing items"));
    }

    [Test]
    public async Task GateFailsWithExitCode1WhenARungRegressesAndCompareListsTheItems()
    {
        await Run("eval", "-c", Config);
        var baseline = _folder.File("baseline.json");
        File.Copy(Path.Combine(Output, "report.json"), baseline);

        // The same rung name, but without retrieval: every item that was answered now is not.
        var text = await File.ReadAllTextAsync(Config);
        await File.WriteAllTextAsync(Config, text.Replace("  - name: rag-bm25\n    rag: { retriever: bm25, top: 3 }", "  - name: rag-bm25", StringComparison.Ordinal));
        var junit = _folder.File("gate.xml");
        var (evalCode, evalOutput, _) = await Run("eval", "-c", Config, "--baseline", baseline, "--junit", junit);
        Assert.That(evalCode, Is.EqualTo(ExitCodes.GateFailed), evalOutput);
        Assert.That(XDocument.Load(junit).Descendants("testsuite").Single(s => (string)s.Attribute("name")! == "gate").Descendants("failure").Count(), Is.EqualTo(1));

        var (gateCode, gateOutput, _) = await Run("gate", "--baseline", baseline, "--current", Path.Combine(Output, "report.json"));
        Assert.That(gateCode, Is.EqualTo(ExitCodes.GateFailed));
        Assert.That(gateOutput, Does.Contain("FAIL rag-bm25"));

        var (compareCode, compareOutput, _) = await Run("compare", baseline, Path.Combine(Output, "report.json"), "-o", "json");
        Assert.That(compareCode, Is.EqualTo(ExitCodes.Success));
        using var json = JsonDocument.Parse(compareOutput);
        var rag = json.RootElement.GetProperty("rungs").EnumerateArray().Single(r => r.GetProperty("strategy").GetString() == "rag-bm25");
        Assert.That(rag.GetProperty("regressed").GetInt32(), Is.GreaterThan(0));
        Assert.That(rag.GetProperty("improved").GetInt32(), Is.Zero);
        Assert.That(json.RootElement.GetProperty("changes").EnumerateArray().All(c => c.GetProperty("strategy").GetString() == "rag-bm25"), Is.True);
    }

    [Test]
    public async Task GatePassesWithExitCode0OnAnUnchangedRun()
    {
        await Run("eval", "-c", Config);
        var baseline = _folder.File("baseline.json");
        File.Copy(Path.Combine(Output, "report.json"), baseline);
        await Run("eval", "-c", Config);

        var (code, output, _) = await Run("gate", "--baseline", baseline, "--current", Path.Combine(Output, "report.json"), "-o", "json");

        Assert.That(code, Is.EqualTo(ExitCodes.Success));
        using var json = JsonDocument.Parse(output);
        Assert.That(json.RootElement.GetProperty("gate").GetProperty("passed").GetBoolean(), Is.True);
    }

    [Test]
    public async Task AConfigErrorExitsWith2AndNamesTheLineBeforeAnyWork()
    {
        await File.WriteAllTextAsync(Config, (await File.ReadAllTextAsync(Config)).Replace("retriever: bm25, top: 3 }", "retriever: bm99, top: 3 }", StringComparison.Ordinal));

        var (code, _, error) = await Run("eval", "-c", Config);

        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(error, Does.Match(@"llmstrategies\.yaml:\d+:\d+: error: rag\.retriever is 'bm99'"));
        Assert.That(Directory.Exists(Output), Is.False, "nothing ran");
    }

    [Test]
    public async Task UsageErrorsExitWith2()
    {
        var (code, _, error) = await Run("eval");

        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(error, Does.Contain("--config"));
    }

    [Test]
    public async Task AMissingReportIsAUsageError()
    {
        var (code, _, error) = await Run("gate", "--baseline", _folder.File("none.json"), "--current", _folder.File("none.json"));

        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(error, Does.Contain("does not exist"));
    }

    [Test]
    public async Task InitRefusesToOverwriteWithoutForce()
    {
        var (code, _, error) = await Run("init", "--dir", _folder.Path);

        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(error, Does.Contain("--force"));
        Assert.That((await Run("init", "--dir", _folder.Path, "--force")).Code, Is.EqualTo(ExitCodes.Success));
    }

    [Test]
    public async Task CtrlCStopsWith130KeepsTheCacheAndARerunResumes()
    {
        // Cancel as soon as the first progress bar is drawn (the interactive display writes on every finished run).
        using var cancellation = new CancellationTokenSource();
        var error = new CancellingWriter(cancellation);
        var console = new TestConsole(interactive: true, error);
        var text = await File.ReadAllTextAsync(Config);
        await File.WriteAllTextAsync(Config, text.Replace("parallelism: 4", "parallelism: 1", StringComparison.Ordinal));

        var code = await CliApp.RunAsync(["eval", "-c", Config], console.Console, cancellation.Token);

        Assert.That(code, Is.EqualTo(ExitCodes.Cancelled));
        Assert.That(error.ToString(), Does.Contain("run the same command again to resume"));
        var cached = File.ReadAllLines(Path.Combine(Output, "cache", "responses.jsonl")).Count(l => l.Length > 0);
        Assert.That(cached, Is.GreaterThan(0));

        Assert.That(File.Exists(Path.Combine(Output, "checkpoint.jsonl")), Is.True, "the checkpoint is kept for the rerun");

        // The rerun reuses what finished (from the checkpoint or the cache): the progress line counts it.
        var (rerun, _, rerunError) = await Run("eval", "-c", Config);
        Assert.That(rerun, Is.EqualTo(ExitCodes.Success));
        var reused = System.Text.RegularExpressions.Regex.Match(rerunError, @"(\d+) from cache");
        Assert.That(reused.Success, Is.True, rerunError);
        Assert.That(int.Parse(reused.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(0));
    }

    /// <summary>Runs the tool in-process with a test console.</summary>
    internal static Task<(int Code, string Output, string Error)> RunCli(params string[] args) => Run(args);

    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        var console = new TestConsole();
        var code = await CliApp.RunAsync(args, console.Console, CancellationToken.None);
        return (code, console.Out.ToString(), console.Error.ToString()!);
    }

    private sealed class CancellingWriter(CancellationTokenSource cancellation) : StringWriter
    {
        public override void Write(string? value)
        {
            base.Write(value);
            if (value?.Contains("\r[", StringComparison.Ordinal) == true && !value.Contains("] 0/", StringComparison.Ordinal))
            {
                cancellation.Cancel();
            }
        }
    }
}
