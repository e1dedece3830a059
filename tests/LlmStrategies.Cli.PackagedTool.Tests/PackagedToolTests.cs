using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;

namespace LlmStrategies.Cli.PackagedTool.Tests;

/// <summary>Installs the packed tool with 'dotnet tool install' into a temporary tool path and runs it as a user would.</summary>
public sealed class PackagedToolTests
{
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(10);
    private string _root = null!;
    private string _tool = null!;
    private string _work = null!;

    private static string Version => Metadata("LlmStrategiesPackageVersion");

    private static string PackagesFolder => Metadata("PackagesFolder");

    private string Config => Path.Combine(_work, "llmstrategies.yaml");

    private string Report => Path.Combine(_work, "artifacts", "llmstrategies", "report.json");

    [OneTimeSetUp]
    public void InstallTheTool()
    {
        var package = Path.Combine(PackagesFolder, $"LlmStrategies.Cli.{Version}.nupkg");
        if (!File.Exists(package))
        {
            Assert.Fail($"{package} does not exist: pack first (dotnet pack LlmStrategies.sln -c Release -o artifacts/packages -p:Version=<v>), then run these tests with -p:LlmStrategiesPackageVersion=<v>, as .ci/run does.");
        }

        _root = Path.Combine(Path.GetTempPath(), "llmstrategies-tool-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
        var toolPath = Path.Combine(_root, "tools");
        // Run from the temporary folder, outside the repository, so only the machine's NuGet sources and --add-source apply.
        var (code, output, error) = Exec("dotnet", _root, "tool", "install", "--tool-path", toolPath, "--add-source", PackagesFolder, "LlmStrategies.Cli", "--version", Version);
        Assert.That(code, Is.Zero, $"dotnet tool install failed:\n{output}\n{error}");
        _tool = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "llmstrategies.exe" : "llmstrategies");
        Assert.That(File.Exists(_tool), Is.True, $"the tool command is not at {_tool}");
    }

    [OneTimeTearDown]
    public void RemoveTheTool()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [SetUp]
    public void NewWorkingFolder()
    {
        _work = Path.Combine(_root, "work-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_work);
    }

    [Test]
    public void ThePackageShipsTheConfigSchema()
    {
        using var zip = ZipFile.OpenRead(Path.Combine(PackagesFolder, $"LlmStrategies.Cli.{Version}.nupkg"));
        var schema = zip.GetEntry("schema/llmstrategies.schema.json");
        Assert.That(schema, Is.Not.Null);
        using var stream = schema!.Open();
        using var json = JsonDocument.Parse(stream);
        Assert.That(json.RootElement.GetProperty("properties").TryGetProperty("strategies", out _), Is.True);
    }

    [Test]
    public void VersionAndHelp()
    {
        var (versionCode, version, _) = Tool("--version");
        Assert.That(versionCode, Is.Zero);
        Assert.That(version.Trim(), Does.StartWith(Version));

        var (helpCode, help, _) = Tool("--help");
        Assert.That(helpCode, Is.Zero);
        Assert.That(help, Does.Contain("init").And.Contain("eval").And.Contain("gate").And.Contain("compare").And.Contain("tune"));
    }

    [Test]
    public void InitEvalGateAndCompareOnTheOfflineBaseline()
    {
        var (initCode, initOutput, initError) = Tool("init");
        Assert.That(initCode, Is.Zero, initError);
        Assert.That(initOutput, Does.Contain("llmstrategies.yaml"));
        foreach (var file in new[] { "llmstrategies.yaml", "llmstrategies.schema.json", "data/questions.jsonl", "data/corpus.jsonl" })
        {
            Assert.That(File.Exists(Path.Combine(_work, file)), Is.True, file);
        }

        var (evalCode, evalOutput, evalError) = Tool("eval", "-c", "llmstrategies.yaml", "-o", "json");
        Assert.That(evalCode, Is.Zero, evalError);
        using (var json = JsonDocument.Parse(evalOutput))
        {
            var means = json.RootElement.GetProperty("strategies").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("mean").GetDouble());
            Assert.That(means["prompt-only"], Is.Zero, "the extractive baseline cannot answer without context");
            Assert.That(means["rag-bm25"], Is.GreaterThan(0.5));
        }

        Assert.That(evalError, Does.Contain("eval: ").And.Contain("ETA"), "redirected output gets progress lines");
        foreach (var file in new[] { "report.json", "report.md", "report.html", "split.json" })
        {
            Assert.That(File.Exists(Path.Combine(_work, "artifacts", "llmstrategies", file)), Is.True, file);
        }

        var baseline = Path.Combine(_work, "baseline.json");
        File.Copy(Report, baseline);

        // A rerun answers from the response cache and passes the gate against the first run.
        var (rerunCode, rerunOutput, rerunError) = Tool("eval", "-c", "llmstrategies.yaml", "--baseline", "baseline.json", "-o", "json", "--junit", "junit.xml", "--summary", "summary.md");
        Assert.That(rerunCode, Is.Zero, rerunError);
        using (var json = JsonDocument.Parse(rerunOutput))
        {
            Assert.That(json.RootElement.GetProperty("fromCache").GetInt32(), Is.EqualTo(json.RootElement.GetProperty("runs").GetInt32()));
            Assert.That(json.RootElement.GetProperty("gate").GetProperty("passed").GetBoolean(), Is.True);
        }

        var junit = XDocument.Load(Path.Combine(_work, "junit.xml"));
        Assert.That(junit.Root!.Elements("testsuite").Select(s => (string)s.Attribute("name")!), Does.Contain("gate").And.Contain("items.rag-bm25"));
        Assert.That(File.ReadAllText(Path.Combine(_work, "summary.md")), Does.Contain("gate PASSED"));

        var (gateCode, gateOutput, _) = Tool("gate", "--baseline", "baseline.json", "--current", Report);
        Assert.That(gateCode, Is.Zero);
        Assert.That(gateOutput, Does.Contain("Regression gate: PASSED"));

        var (compareCode, compareOutput, _) = Tool("compare", "baseline.json", Report);
        Assert.That(compareCode, Is.Zero);
        Assert.That(compareOutput, Does.Contain("No item changed its score."));

        // The same rung name without retrieval: a regression the gate must catch (exit 1) and compare must itemise.
        File.WriteAllText(Config, File.ReadAllText(Config).Replace("  - name: rag-bm25\n    rag: { retriever: bm25, top: 3 }", "  - name: rag-bm25", StringComparison.Ordinal));
        var (regressedCode, regressedOutput, regressedError) = Tool("eval", "-c", "llmstrategies.yaml", "--baseline", "baseline.json", "--junit", "junit.xml");
        Assert.That(regressedCode, Is.EqualTo(1), regressedOutput + regressedError);
        Assert.That(regressedOutput, Does.Contain("Regression gate: FAILED"));
        Assert.That(XDocument.Load(Path.Combine(_work, "junit.xml")).Descendants("testsuite").Single(s => (string)s.Attribute("name")! == "gate").Descendants("failure"), Is.Not.Empty);

        Assert.That(Tool("gate", "--baseline", "baseline.json", "--current", Report).Code, Is.EqualTo(1));
        var (changedCode, changedOutput, _) = Tool("compare", "baseline.json", Report, "-o", "json");
        Assert.That(changedCode, Is.Zero);
        using var changes = JsonDocument.Parse(changedOutput);
        Assert.That(changes.RootElement.GetProperty("changedItems").GetInt32(), Is.GreaterThan(0));
    }

    [Test]
    public void TuneThenEvalTheTunedRung()
    {
        Assert.That(Tool("init").Code, Is.Zero);
        var (tuneCode, tuneOutput, tuneError) = Tool("tune", "-c", "llmstrategies.yaml");
        Assert.That(tuneCode, Is.Zero, tuneError);
        Assert.That(tuneOutput, Does.Contain("tuned.json"));

        File.WriteAllText(Config, File.ReadAllText(Config).Replace("  # - name: tuned\n  #   tuned: artifacts", "  - name: tuned\n    tuned: artifacts", StringComparison.Ordinal));
        var (evalCode, evalOutput, evalError) = Tool("eval", "-c", "llmstrategies.yaml");
        Assert.That(evalCode, Is.Zero, evalError);
        Assert.That(evalOutput, Does.Match(@"(?m)^tuned\s"));
    }

    [Test]
    public void ConfigErrorsExitWith2AndNameTheLine()
    {
        Assert.That(Tool("init", "--json").Code, Is.Zero);
        var config = Path.Combine(_work, "llmstrategies.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"top\": 3", "\"top\": 0", StringComparison.Ordinal));

        var (code, _, error) = Tool("eval", "-c", "llmstrategies.json");

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error, Does.Match(@"llmstrategies\.json:\d+:\d+: error: rag\.top is '0'"));
        Assert.That(Directory.Exists(Path.Combine(_work, "artifacts")), Is.False, "nothing ran");
    }

    private static string Metadata(string key) =>
        typeof(PackagedToolTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private (int Code, string Output, string Error) Tool(params string[] args) => Exec(_tool, _work, args);

    private static (int Code, string Output, string Error) Exec(string file, string directory, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(HangGuard))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish (hang guard {HangGuard}).");
        }

        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }
}
