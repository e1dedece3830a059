using LlmStrategies.Monitoring;
using LlmStrategies.Monitoring.Drift;
using LlmStrategies.Monitoring.OnlineEvaluation;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.Options;

namespace LlmStrategies.Tests.Monitoring;

/// <summary>Every options type of the monitoring package rejects an invalid value with an <see cref="OptionsValidationException"/> naming the setting.</summary>
public class OptionsValidationTests
{
    private static readonly (string Name, Func<object> Create, string Setting)[] Invalid =
    [
        ("drift window", () => new DriftMonitor(new DriftMonitorOptions { WindowSize = 1 }), "DriftMonitorOptions.WindowSize"),
        ("drift live count above window", () => new DriftMonitor(new DriftMonitorOptions { MinimumLiveCount = 600 }), "DriftMonitorOptions.MinimumLiveCount (600) must not exceed WindowSize (500)"),
        ("drift psi NaN", () => new DriftMonitor(new DriftMonitorOptions { PsiThreshold = double.NaN }), "DriftMonitorOptions.PsiThreshold"),
        ("online sample rate", () => new OnlineEvaluator(new OnlineEvaluationOptions { SampleRate = 2 }), "OnlineEvaluationOptions.SampleRate"),
        ("online evaluators", () => new OnlineEvaluator(new OnlineEvaluationOptions { Evaluators = null! }), "OnlineEvaluationOptions.Evaluators"),
        ("monitored drift inputs", () => new MonitoredStrategy(new TestStrategy("s", _ => "a"), new MonitoredStrategyOptions { DriftEmbeddings = new HashingEmbeddingGenerator() }), "MonitoredStrategyOptions.DriftEmbeddings"),
    ];

    private static IEnumerable<TestCaseData> Cases => Invalid.Select(c => new TestCaseData(c.Create, c.Setting).SetArgDisplayNames(c.Name));

    [TestCaseSource(nameof(Cases))]
    public void AnInvalidValue_IsRejected_NamingTheSetting(Func<object> create, string setting)
    {
        Assert.That(() => create(), Throws.TypeOf<OptionsValidationException>().With.Message.Contains(setting));
    }
}
