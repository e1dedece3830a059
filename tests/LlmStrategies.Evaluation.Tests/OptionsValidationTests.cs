using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmStrategies.Tests;

/// <summary>Every options type of the evaluation package rejects an invalid value with an <see cref="OptionsValidationException"/> naming the setting.</summary>
public class OptionsValidationTests
{
    private static readonly (string Name, Action Create, string Setting)[] Invalid =
    [
        ("experiment repeats", () => _ = new ExperimentRunner(new ExperimentOptions { Repeats = 0 }), "ExperimentOptions.Repeats"),
        ("experiment budget", () => _ = new ExperimentRunner(new ExperimentOptions { Budget = -1 }), "ExperimentOptions.Budget"),
        ("experiment name", () => _ = new ExperimentRunner(new ExperimentOptions { Name = "" }), "ExperimentOptions.Name"),
        ("split fraction NaN", () => DatasetSplitter.Split(Items(), new SplitOptions { TestFraction = double.NaN }), "SplitOptions.TestFraction"),
        ("split blank group", () => DatasetSplitter.Split(Items(), new SplitOptions { GroupBy = " " }), "SplitOptions.GroupBy"),
        ("load empty field", () => DatasetLoader.LoadJsonl("never-read.jsonl", new DatasetLoadOptions { InputField = "" }), "DatasetLoadOptions.InputField"),
        ("load same field twice", () => DatasetLoader.LoadJsonl("never-read.jsonl", new DatasetLoadOptions { LabelField = "input" }), "DatasetLoadOptions.InputField and LabelField"),
        ("load split path", () => DatasetLoader.LoadBeir("never-read", new DatasetLoadOptions { BeirSplit = "../test" }), "DatasetLoadOptions.BeirSplit"),
        ("leakage bands", () => _ = new LeakageChecker(new LeakageOptions { HashFunctions = 100, Bands = 32 }), "LeakageOptions.HashFunctions"),
        ("leakage threshold", () => _ = new LeakageChecker(new LeakageOptions { NearDuplicateThreshold = 0 }), "LeakageOptions.NearDuplicateThreshold"),
        ("judge scores", () => _ = new LlmJudgeEvaluator("rubric", options: new LlmJudgeOptions { MinScore = 5, MaxScore = 1 }), "LlmJudgeOptions.MinScore"),
        ("judge metric", () => _ = new LlmJudgeEvaluator("rubric", options: new LlmJudgeOptions { MetricName = " " }), "LlmJudgeOptions.MetricName"),
        ("report alpha", () => ValidatedOptions.ThrowIfInvalid(new ReportOptionsValidator(), new ReportOptions { Alpha = 1.5 }), "ReportOptions.Alpha"),
        ("report resamples", () => ValidatedOptions.ThrowIfInvalid(new ReportOptionsValidator(), new ReportOptions { Resamples = 0 }), "ReportOptions.Resamples"),
        ("gate tolerance", () => ValidatedOptions.ThrowIfInvalid(new RegressionGateOptionsValidator(), new RegressionGateOptions { Tolerance = double.NaN }), "RegressionGateOptions.Tolerance"),
        ("gate metric", () => ValidatedOptions.ThrowIfInvalid(new RegressionGateOptionsValidator(), new RegressionGateOptions { Metrics = { "" } }), "RegressionGateOptions.Metrics"),
    ];

    private static IEnumerable<TestCaseData> Cases => Invalid.Select(c => new TestCaseData(c.Create, c.Setting).SetArgDisplayNames(c.Name));

    [TestCaseSource(nameof(Cases))]
    public void AnInvalidValue_IsRejected_NamingTheSetting(Action create, string setting)
    {
        Assert.That(create, Throws.TypeOf<OptionsValidationException>().With.Message.Contains(setting));
    }

    [Test]
    public void TheExperimentsRegistration_FailsOnStart_WithTheSameValidator()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new());
        builder.Services.AddExperiments(o => o.MaxDegreeOfParallelism = 0);
        using var host = builder.Build();

        Assert.That(() => Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.Start(host), Throws.TypeOf<OptionsValidationException>().With.Message.Contains("ExperimentOptions.MaxDegreeOfParallelism"));
    }

    private static EvaluationDataset Items() => new("d", Enumerable.Range(0, 5).Select(i => new EvaluationItem { Id = $"q{i}", Input = $"question {i}" }));
}
