using System.Text.Json;
using LlmStrategies.Tests.TestDoubles;

namespace StrategyLadder.Tests;

/// <summary>The main sample as a user runs it: bad settings, signals, rate limits and a server that never answers.</summary>
[NonParallelizable]
public class StrategyLadderTests
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [TestCase("--Ladder:Seed=abc", "not a whole number")]
    [TestCase("--ChatProvider:Provider=Nope", "Baseline, OpenAI, Ollama")]
    [TestCase("--Ladder:TestFraction=1.5", "at most 0.8")]
    [TestCase("--Ladder:MaxTestItems=-5", "at least 1")]
    [TestCase("--Ladder:Dataset=missing.json", "no such file or folder")]
    [TestCase("--Ladder:Prices=missing.json", "no such file")]
    [TestCase("--Ladder:GateBaseline=missing.json", "no such file")]
    [TestCase("--Ladder:Parralelism=2", "not a setting")]
    [CancelAfter(120_000)]
    public async Task ABadSetting_IsOneLineNamingTheFlagAsTyped_BeforeAnyWork_WithExitCode2(string argument, string expected, CancellationToken cancellationToken)
    {
        using var ladder = LadderProcess.Start(_temp.Path, argument, "--Ladder:Output=out");

        var exitCode = await ladder.ExitCodeAsync(cancellationToken);

        var errors = ladder.Output.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(ExitCodes.InvalidSettings), ladder.Output);
            Assert.That(errors, Has.Length.EqualTo(1), ladder.Output);
            Assert.That(errors.Single(), Does.StartWith($"error: {argument}: ").And.Contain(expected));
            Assert.That(ladder.Output, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(Directory.Exists(_temp.File("out")), Is.False, "nothing was run, so nothing was written");
        });
    }

    [Test]
    [CancelAfter(120_000)]
    public async Task AProblemInAPriceTable_IsReportedWithTheFile_BeforeAnyWork(CancellationToken cancellationToken)
    {
        _temp.Write("prices.json", """{"schema":"llmstrategies.price-table","version":1,"currency":"","models":{}}""");
        using var ladder = LadderProcess.Start(_temp.Path, "--Ladder:Prices=prices.json", "--Ladder:Output=out");

        var exitCode = await ladder.ExitCodeAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(ExitCodes.InvalidSettings), ladder.Output);
            Assert.That(ladder.Output, Does.Contain("error: --Ladder:Prices=prices.json: the file cannot be used").And.Contain("\"currency\" is empty"));
        });
    }

    [TestCase(SigInt, ExitCodes.Interrupted)]
    [TestCase(SigTerm, ExitCodes.Terminated)]
    [CancelAfter(240_000)]
    public async Task ASignal_WhileCallsHangOnAServerThatNeverAnswers_EndsTheRunWithItsCode_AndSaysHowToResume(int signal, int expectedExitCode, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            Assert.Ignore("Sends POSIX signals with kill(2).");
        }

        await using var server = new ChatCompletionsServer(_ => null);
        using var ladder = LadderProcess.Start(_temp.Path, [.. RealProvider(server), "--Ladder:MaxTestItems=3"]);
        await server.FirstRequest.WaitAsync(cancellationToken);

        ladder.Signal(signal);
        var exitCode = await ladder.ExitCodeAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(expectedExitCode), ladder.Output);
            Assert.That(ladder.Output, Does.Contain("Run the same command again to resume"));
            Assert.That(ladder.Output, Does.Not.Contain("   at "), "no stack trace");
        });
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task RateLimitsAndServerErrors_AreRetried_SoTheRunSucceeds(CancellationToken cancellationToken)
    {
        // The first call is rate-limited (Retry-After: 1 s), the second fails with a 500; every retry and call after that succeeds.
        await using var server = new ChatCompletionsServer(n => n switch
        {
            0 => (429, 1),
            1 => (500, null),
            _ => (200, null),
        });
        using var ladder = LadderProcess.Start(_temp.Path, [.. RealProvider(server), "--Ladder:MaxTestItems=2", "--Ladder:Parallelism=1"]);

        var exitCode = await ladder.ExitCodeAsync(cancellationToken);

        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(_temp.File(Path.Combine("out", "report.json")), cancellationToken));
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(ExitCodes.Success), ladder.Output);
            Assert.That(report.RootElement.GetProperty("errors").GetArrayLength(), Is.Zero, ladder.Output);
            Assert.That(server.Requests, Is.EqualTo(4 * 2 + 2), "4 rungs × 2 items, plus the two retried attempts");
        });
    }

    [Test]
    [CancelAfter(240_000)]
    public async Task AServerThatNeverAnswers_IsGivenUpOnByThePerCallTimeout_AndTheRunEndsReportingTheFailures(CancellationToken cancellationToken)
    {
        // No signal is sent: only the per-attempt time-out (1 s here, 60 s by default) and the circuit breaker end the calls.
        await using var server = new ChatCompletionsServer(_ => null);
        using var ladder = LadderProcess.Start(_temp.Path, [.. RealProvider(server), "--Ladder:MaxTestItems=2", "--Ladder:Parallelism=1", "--Ladder:CallTimeoutSeconds=1", "--Ladder:MaxRetries=0"]);

        var exitCode = await ladder.ExitCodeAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(ExitCodes.RunsFailed), ladder.Output);
            Assert.That(ladder.Output, Does.Not.Contain("   at "), "no stack trace");
            Assert.That(server.Requests, Is.GreaterThan(0).And.LessThanOrEqualTo(4 * 2), "each call is attempted at most once (no retries), and the open breaker spares the rest");
        });
    }

    /// <summary>An OpenAI-compatible provider on the loopback server, with a price table for its model.</summary>
    private string[] RealProvider(ChatCompletionsServer server)
    {
        _temp.Write("prices.json", """{"schema":"llmstrategies.price-table","version":1,"currency":"USD","models":{"m":{"input":0,"output":0}}}""");
        return
        [
            "--ChatProvider:Provider=OpenAI", $"--ChatProvider:Endpoint={server.Endpoint}", "--ChatProvider:Model=m", "--ChatProvider:ApiKey=k",
            "--Ladder:Prices=prices.json", "--Ladder:Output=out", "--Ladder:NoCache=true",
        ];
    }
}
