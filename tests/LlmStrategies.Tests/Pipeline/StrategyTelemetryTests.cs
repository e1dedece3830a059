using System.Diagnostics;
using LlmStrategies.Filtering;
using LlmStrategies.Pipeline;
using LlmStrategies.Prompting;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using static LlmStrategies.Tests.TestDoubles.Samples;

namespace LlmStrategies.Tests.Pipeline;

[NonParallelizable]
public class StrategyTelemetryTests
{
    [Test]
    public async Task ARun_RecordsDurationStagesRetrievalPromptTokensCacheAndRepairs()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var telemetry = new StrategyTelemetry(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        using var duration = new MetricCollector<double>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), StrategyTelemetry.Name, "llmstrategies.strategy.duration");
        using var stages = new MetricCollector<double>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), StrategyTelemetry.Name, "llmstrategies.stage.duration");
        using var hits = new MetricCollector<int>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), StrategyTelemetry.Name, "llmstrategies.retrieval.hits");
        using var promptTokens = new MetricCollector<int>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), StrategyTelemetry.Name, "llmstrategies.prompt.tokens");
        using var ratio = new MetricCollector<double>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), StrategyTelemetry.Name, "llmstrategies.prompt.stable_prefix.ratio");
        using var cached = new MetricCollector<long>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), StrategyTelemetry.Name, "llmstrategies.usage.cached_input_tokens");
        using var repairs = new MetricCollector<long>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), StrategyTelemetry.Name, "llmstrategies.repairs");
        using var failures = new MetricCollector<long>(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), StrategyTelemetry.Name, "llmstrategies.validation.failures");

        var pipeline = new StrategyPipelineBuilder("rag", TestChatClient.Answering("no citation", "cited [1]"))
            .Configure(o => o.SystemPrompt = "Be brief.")
            .UsePromptBuilder(new SectionedPromptBuilder(new SectionedPromptBuilderOptions { Tokenizer = PromptTokenizers.O200kBase, TokenizerName = "o200k_base" }))
            .UseRetrievalAugmentation(TestRetriever.Returning(Chunk("1", "a"), Chunk("2", "b")))
            .AddOutputValidator(new LlmStrategies.Validation.CitationOutputValidator())
            .UseTelemetry(telemetry)
            .Build();

        var result = await pipeline.RunAsync(new StrategyRequest("q"));

        Assert.Multiple(() =>
        {
            Assert.That(duration.GetMeasurementSnapshot().Single().Tags["llmstrategies.strategy.name"], Is.EqualTo("rag"));
            Assert.That(duration.GetMeasurementSnapshot().Single().Tags["llmstrategies.outcome"], Is.EqualTo("Answered"));
            Assert.That(stages.GetMeasurementSnapshot().Select(m => m.Tags["llmstrategies.stage"]), Is.EquivalentTo(result.Timings.Select(t => t.Stage.ToString())));
            Assert.That(hits.LastMeasurement!.Value, Is.EqualTo(2));
            Assert.That(promptTokens.GetMeasurementSnapshot().Select(m => m.Tags["llmstrategies.prompt.section"]), Is.EquivalentTo(new[] { "System", "Context", "Question" }));
            Assert.That(ratio.LastMeasurement!.Value, Is.EqualTo((double)result.Prompt!.StablePrefixTokenCount!.Value / result.Prompt.TokenCount!.Value));
            Assert.That(cached.GetMeasurementSnapshot().Sum(m => m.Value), Is.EqualTo(8), "4 cached tokens per call, two calls");
            Assert.That(repairs.LastMeasurement!.Value, Is.EqualTo(1));
            Assert.That(failures.LastMeasurement!.Value, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task WithAPriceTable_EachRunsCostIsRecorded_AndAnUnpricedModelIsCountedNotFree()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        var prices = new PerMillionPricing("EUR", "priced-model", InputPerMillion: 2m, CachedInputPerMillion: 1m, OutputPerMillion: 8m);
        using var telemetry = new StrategyTelemetry(meters, prices);
        using var cost = new MetricCollector<double>(meters, StrategyTelemetry.Name, "llmstrategies.usage.cost");
        using var unpriced = new MetricCollector<long>(meters, StrategyTelemetry.Name, "llmstrategies.usage.unpriced");
        var usage = new UsageDetails { InputTokenCount = 1_000, CachedInputTokenCount = 400, OutputTokenCount = 50 };

        var priced = await new StrategyPipelineBuilder("p", new TestChatClient { GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "a")) { ModelId = "priced-model", Usage = usage }) }).UseTelemetry(telemetry).Build()
            .RunAsync(new StrategyRequest("q"));
        await new StrategyPipelineBuilder("u", new TestChatClient { GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "a")) { ModelId = "mystery-model", Usage = usage }) }).UseTelemetry(telemetry).Build()
            .RunAsync(new StrategyRequest("q"));

        Assert.Multiple(() =>
        {
            Assert.That(priced.Outcome, Is.EqualTo(StrategyOutcome.Answered));
            // (1,000 − 400) × 2 + 400 × 1 + 50 × 8 = 2,000 per million tokens.
            Assert.That(cost.GetMeasurementSnapshot().Single().Value, Is.EqualTo(0.002).Within(1e-12));
            Assert.That(cost.GetMeasurementSnapshot().Single().Tags["gen_ai.response.model"], Is.EqualTo("priced-model"));
            Assert.That(cost.Instrument!.Unit, Is.EqualTo("{EUR}"));
            Assert.That(unpriced.GetMeasurementSnapshot().Single().Tags["llmstrategies.strategy.name"], Is.EqualTo("u"));
        });
    }

    [Test]
    public async Task Refusals_AreCountedByFilter()
    {
        using var telemetry = new StrategyTelemetry();
        using var refusals = new MetricCollector<long>(null, StrategyTelemetry.Name, "llmstrategies.refusals");
        var pipeline = new StrategyPipelineBuilder("p", TestChatClient.Answering("a")).AddFilter(new BlockedTermsFilter(["exploit"])).UseTelemetry(telemetry).Build();

        await pipeline.RunAsync(new StrategyRequest("an exploit please"));

        Assert.That(refusals.LastMeasurement!.Tags["llmstrategies.filter"], Is.EqualTo(nameof(BlockedTermsFilter)));
    }

    [Test]
    public async Task Spans_CoverTheRunAndEachStage_AndMarkFailures()
    {
        var stopped = new List<Activity>();
        using var listener = ListenToStoppedSpans(stopped);
        using var telemetry = new StrategyTelemetry();
        var ok = new StrategyPipelineBuilder("good", TestChatClient.Answering("a")).UseRetrievalAugmentation(TestRetriever.Returning(Chunk("1", "x"))).UseTelemetry(telemetry).Build();
        var failing = new StrategyPipelineBuilder("bad", new TestChatClient { GetResponseAsyncCallback = (_, _, _) => throw new InvalidOperationException("boom") }).UseTelemetry(telemetry).Build();

        await ok.RunAsync(new StrategyRequest("q"));
        Assert.That(() => failing.RunAsync(new StrategyRequest("q")), Throws.TypeOf<StrategyExecutionException>());

        var root = stopped.Single(a => a.DisplayName == "strategy good");
        var failed = stopped.Single(a => a.DisplayName == "strategy bad");
        Assert.Multiple(() =>
        {
            Assert.That(stopped.Where(a => a.ParentSpanId == root.SpanId).Select(a => a.DisplayName), Is.SupersetOf(new[] { "InputValidation", "Retrieval", "PromptBuilding", "ModelCall", "OutputValidation" }));
            Assert.That(root.GetTagItem("llmstrategies.strategy.fingerprint"), Is.EqualTo(ok.Fingerprint.Value));
            Assert.That(failed.Status, Is.EqualTo(ActivityStatusCode.Error));
            Assert.That(failed.GetTagItem("error.type"), Is.EqualTo(typeof(InvalidOperationException).FullName));
            Assert.That(stopped.Single(a => a.DisplayName == "ModelCall" && a.ParentSpanId == failed.SpanId).Status, Is.EqualTo(ActivityStatusCode.Error));
        });
    }

    /// <summary>The span status of a failed run names the failure without the prompt it quoted.</summary>
    [Test]
    public void AFailureQuotingThePrompt_LeavesNoSecretInTheSpanStatus()
    {
        var stopped = new List<Activity>();
        using var listener = ListenToStoppedSpans(stopped);
        using var telemetry = new StrategyTelemetry();
        const string Leaky = "cannot answer 'mail bob@example.com' (user jane@example.com, key sk-abcdefghijklmnopqrstuvwx)";
        var failing = new StrategyPipelineBuilder("leaky", new TestChatClient { GetResponseAsyncCallback = (_, _, _) => throw new InvalidOperationException(Leaky) }).UseTelemetry(telemetry).Build();

        Assert.That(() => failing.RunAsync(new StrategyRequest("mail bob@example.com")), Throws.TypeOf<StrategyExecutionException>());

        var statuses = stopped.Where(a => a.Status == ActivityStatusCode.Error).Select(a => a.StatusDescription ?? string.Empty).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(statuses, Has.Length.EqualTo(2), "the run and its model-call stage");
            Assert.That(statuses, Has.All.Contain("InvalidOperationException: cannot answer [quoted text removed]"));
            Assert.That(statuses, Has.None.Contain("example.com").And.None.Contain("sk-abc"));
        });
    }

    /// <summary>Collects the spans of <see cref="StrategyTelemetry"/> as they stop, until the listener is disposed.</summary>
    private static ActivityListener ListenToStoppedSpans(List<Activity> stopped)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == StrategyTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (stopped) { stopped.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }
}

/// <summary>A one-model price list: the telemetry only sees <see cref="IModelPricing"/>.</summary>
internal sealed record PerMillionPricing(string Currency, string ModelId, decimal InputPerMillion, decimal CachedInputPerMillion, decimal OutputPerMillion) : IModelPricing
{
    public decimal? Cost(string? modelId, long inputTokens, long cachedInputTokens, long outputTokens) =>
        modelId == ModelId ? (((inputTokens - cachedInputTokens) * InputPerMillion) + (cachedInputTokens * CachedInputPerMillion) + (outputTokens * OutputPerMillion)) / 1_000_000m : null;
}
