using LlmStrategies.Cli.Running;
using LlmStrategies.Experiments;
using Microsoft.Extensions.Time.Testing;

namespace LlmStrategies.Cli.Tests.Output;

public sealed class ProgressDisplayTests
{
    [Test]
    public void RedirectedOutputGetsALineEveryTenSecondsWithAnEta()
    {
        var time = new FakeTimeProvider();
        var error = new StringWriter();
        var display = new ProgressDisplay(new CliConsole(new StringWriter(), error, isInteractive: false, time), "eval");

        display.Report(new ExperimentProgress(1, 10, 0, 0, null));
        time.Advance(TimeSpan.FromSeconds(9));
        display.Report(new ExperimentProgress(2, 10, 0, 0, null));
        Assert.That(error.ToString(), Is.Empty, "no line before 10 s");

        time.Advance(TimeSpan.FromSeconds(1));
        display.Report(new ExperimentProgress(5, 10, 1, 0, null));
        Assert.That(error.ToString(), Is.EqualTo("eval: 5/10 runs (50 %), 1 from cache, elapsed 10s, ETA 10s" + Environment.NewLine));
    }

    [Test]
    public void ATerminalGetsALiveBar()
    {
        var error = new StringWriter();
        var display = new ProgressDisplay(new CliConsole(new StringWriter(), error, isInteractive: true, new FakeTimeProvider()), "eval");

        display.Report(new ExperimentProgress(3, 10, 0, 0, null));
        display.Complete();

        Assert.That(error.ToString(), Does.StartWith("\r[#########.....................] 3/10"));
        Assert.That(error.ToString(), Does.EndWith(Environment.NewLine));
    }

    [TestCase(0, 10, 5, "unknown")]
    [TestCase(10, 10, 5, "0s")]
    [TestCase(1, 61, 2, "2m00s")]
    public void EtaExtrapolatesTheRateSoFar(int completed, int total, int elapsedSeconds, string expected) =>
        Assert.That(ProgressDisplay.Eta(new ExperimentProgress(completed, total, 0, 0, null), TimeSpan.FromSeconds(elapsedSeconds)), Is.EqualTo(expected));
}
