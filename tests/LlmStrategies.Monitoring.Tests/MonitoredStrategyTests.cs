using System.Diagnostics.Metrics;
using LlmStrategies.Monitoring;
using LlmStrategies.Monitoring.Drift;
using LlmStrategies.Monitoring.Logging;
using LlmStrategies.Pipeline;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LlmStrategies.Tests.Monitoring;

public class MonitoredStrategyTests
{
    [Test]
    public async Task AFullDiskUnderTheCallLog_NeverFailsTheRequest_ItIsCountedAndLogged()
    {
        if (!File.Exists("/dev/full"))
        {
            Assert.Ignore("Needs /dev/full (Linux), whose writes fail with ENOSPC like a full disk.");
        }

        var logger = new FakeLogger();
        using var meters = new MeterListenerScope();
        var callLog = new JsonlCallLog("/dev/full", new JsonlCallLogOptions { RedactContent = false });
        var monitored = new MonitoredStrategy(new TestStrategy("support", _ => "two years"), new MonitoredStrategyOptions { CallLog = callLog, Logger = new StrategyCallLogger(logger) });

        var first = await monitored.RunAsync(new StrategyRequest("warranty?"));
        var second = await monitored.RunAsync(new StrategyRequest("warranty again?"));

        Assert.Multiple(() =>
        {
            Assert.That(first.Answer, Is.EqualTo("two years"));
            Assert.That(second.Answer, Is.EqualTo("two years"));
            Assert.That(monitored.MonitoringFailures, Is.EqualTo(2));
            Assert.That(meters.Failures, Is.EqualTo(2));
            var warning = logger.Collector.GetSnapshot().First(r => r.Level == LogLevel.Warning);
            Assert.That(warning.Message, Does.Contain("the call log failed").And.Contain("IOException"));
        });
        Assert.DoesNotThrowAsync(async () => await monitored.DisposeAsync());
        Assert.DoesNotThrowAsync(async () => await callLog.DisposeAsync());
    }

    [Test]
    public async Task AThrowingDriftMonitorOrLogger_NeverFailsTheRequest()
    {
        var throwingLogger = new StrategyCallLogger(new ThrowingLogger());
        await using var monitored = new MonitoredStrategy(new TestStrategy("support", _ => "two years"), new MonitoredStrategyOptions { Logger = throwingLogger, Drift = new DriftMonitor(), OutputLabel = _ => throw new InvalidOperationException("label") });

        var result = await monitored.RunAsync(new StrategyRequest("warranty?"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Answer, Is.EqualTo("two years"));
            Assert.That(monitored.MonitoringFailures, Is.EqualTo(2), "the structured log and the drift observation");
        });
    }

    [Test]
    public void OptionsThatFeedDriftWithoutADriftMonitor_AreRejectedNamingThem()
    {
        Assert.That(
            () => new MonitoredStrategy(new TestStrategy("s", _ => "a"), new MonitoredStrategyOptions { OutputLabel = _ => "x" }),
            Throws.TypeOf<Microsoft.Extensions.Options.OptionsValidationException>().With.Message.Contains("MonitoredStrategyOptions.DriftEmbeddings and OutputLabel"));
    }

    /// <summary>Counts the measurements of llmstrategies.monitoring.failures.</summary>
    private sealed class MeterListenerScope : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _failures;

        public MeterListenerScope()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "llmstrategies.monitoring.failures")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _failures, value));
            _listener.Start();
        }

        public long Failures => Interlocked.Read(ref _failures);

        public void Dispose() => _listener.Dispose();
    }

    private sealed class ThrowingLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            throw new InvalidOperationException("the logging provider is broken");
    }
}
