using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LlmStrategies.Pipeline;

/// <summary>
/// The strategy-level signals of a pipeline, as OpenTelemetry-compatible <see cref="System.Diagnostics.Metrics"/>
/// instruments and <see cref="ActivitySource"/> spans. Model calls themselves are instrumented by
/// Microsoft.Extensions.AI's <c>UseOpenTelemetry()</c> (GenAI semantic conventions: <c>gen_ai.client.token.usage</c>,
/// <c>gen_ai.client.operation.duration</c>); this adds what only the strategy knows.
/// </summary>
/// <remarks>
/// Instruments (meter <see cref="Name"/>): <c>llmstrategies.strategy.duration</c> (s),
/// <c>llmstrategies.stage.duration</c> (s), <c>llmstrategies.retrieval.hits</c> ({chunk}),
/// <c>llmstrategies.prompt.tokens</c> ({token}, by section), <c>llmstrategies.prompt.stable_prefix.ratio</c> (1),
/// <c>llmstrategies.usage.cached_input_tokens</c> ({token}), <c>llmstrategies.validation.failures</c> ({failure}),
/// <c>llmstrategies.repairs</c> ({repair}), <c>llmstrategies.refusals</c> ({refusal}) and, with a price table,
/// <c>llmstrategies.usage.cost</c> (the run's model calls priced by the table, unit the table's currency, by
/// <c>gen_ai.response.model</c>) and <c>llmstrategies.usage.unpriced</c> ({run}, runs whose model the table lacks, so
/// a missing price is visible instead of counting as free). Every measurement carries
/// <c>llmstrategies.strategy.name</c>; spans are named "strategy {name}" with one child per stage.
/// </remarks>
public sealed class StrategyTelemetry : IDisposable
{
    /// <summary>The name of the meter and the activity source.</summary>
    public const string Name = "LlmStrategies";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly IModelPricing? _prices;

    /// <summary>Creates the instruments.</summary>
    /// <param name="meterFactory">Creates the meter (from DI, so that tests and hosts can collect it); <see langword="null"/> creates a meter owned by this instance.</param>
    /// <param name="prices">Prices model calls for the cost metric (for example the experiments' <c>PriceTable</c>); <see langword="null"/> records no cost.</param>
    public StrategyTelemetry(IMeterFactory? meterFactory = null, IModelPricing? prices = null)
    {
        _prices = prices;
        _meter = meterFactory?.Create(Name) ?? new Meter(Name);
        _ownsMeter = meterFactory is null;
        ActivitySource = new ActivitySource(Name);
        StrategyDuration = _meter.CreateHistogram<double>("llmstrategies.strategy.duration", "s", "Duration of a strategy run, all stages included.");
        StageDuration = _meter.CreateHistogram<double>("llmstrategies.stage.duration", "s", "Duration of one pipeline stage.");
        RetrievalHits = _meter.CreateHistogram<int>("llmstrategies.retrieval.hits", "{chunk}", "Chunks put into the prompt by retrieval.");
        PromptTokens = _meter.CreateHistogram<int>("llmstrategies.prompt.tokens", "{token}", "Prompt tokens per section, when the prompt builder counts tokens.");
        StablePrefixRatio = _meter.CreateHistogram<double>("llmstrategies.prompt.stable_prefix.ratio", "1", "Share of the prompt's tokens in the cacheable stable prefix.");
        CachedInputTokens = _meter.CreateCounter<long>("llmstrategies.usage.cached_input_tokens", "{token}", "Input tokens the provider served from its prompt cache.");
        ValidationFailures = _meter.CreateCounter<long>("llmstrategies.validation.failures", "{failure}", "Answers that failed output validation (each attempt).");
        Repairs = _meter.CreateCounter<long>("llmstrategies.repairs", "{repair}", "Repair calls made after invalid answers.");
        Refusals = _meter.CreateCounter<long>("llmstrategies.refusals", "{refusal}", "Requests refused by a filter.");
        Cost = _meter.CreateHistogram<double>("llmstrategies.usage.cost", "{" + (prices?.Currency ?? "USD") + "}", "Cost of a run's model calls: token usage priced by the price table.");
        UnpricedRuns = _meter.CreateCounter<long>("llmstrategies.usage.unpriced", "{run}", "Runs whose model has no price in the price table.");
    }

    internal ActivitySource ActivitySource { get; }

    internal Histogram<double> StrategyDuration { get; }

    internal Histogram<double> StageDuration { get; }

    internal Histogram<int> RetrievalHits { get; }

    internal Histogram<int> PromptTokens { get; }

    internal Histogram<double> StablePrefixRatio { get; }

    internal Counter<long> CachedInputTokens { get; }

    internal Counter<long> ValidationFailures { get; }

    internal Counter<long> Repairs { get; }

    internal Counter<long> Refusals { get; }

    internal Histogram<double> Cost { get; }

    internal Counter<long> UnpricedRuns { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        ActivitySource.Dispose();
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    /// <summary>Records a finished run.</summary>
    internal void RecordRun(StrategyResult result)
    {
        var strategy = new KeyValuePair<string, object?>("llmstrategies.strategy.name", result.StrategyName);
        StrategyDuration.Record(result.Elapsed.TotalSeconds, strategy, new("llmstrategies.outcome", result.Outcome.ToString()));
        foreach (var timing in result.Timings)
        {
            StageDuration.Record(timing.Elapsed.TotalSeconds, strategy, new("llmstrategies.stage", timing.Stage.ToString()));
        }

        if (result.Outcome == StrategyOutcome.Refused)
        {
            Refusals.Add(1, strategy, new("llmstrategies.filter", result.Refusal?.FilterName));
        }

        if (result.Prompt is { } prompt)
        {
            RetrievalHits.Record(prompt.IncludedContext.Count, strategy);
            foreach (var section in prompt.Sections)
            {
                if (section.TokenCount is { } tokens)
                {
                    PromptTokens.Record(tokens, strategy, new("llmstrategies.prompt.section", section.Kind.ToString()));
                }
            }

            if (prompt.TokenCount is > 0 && prompt.StablePrefixTokenCount is { } stable)
            {
                StablePrefixRatio.Record((double)stable / prompt.TokenCount.Value, strategy);
            }
        }

        if (result.Usage.CachedInputTokenCount is > 0)
        {
            CachedInputTokens.Add(result.Usage.CachedInputTokenCount.Value, strategy);
        }

        var invalidAnswers = result.RepairAttempts + (result.Outcome == StrategyOutcome.OutputRejected ? 1 : 0);
        if (invalidAnswers > 0)
        {
            ValidationFailures.Add(invalidAnswers, strategy);
        }

        if (result.RepairAttempts > 0)
        {
            Repairs.Add(result.RepairAttempts, strategy);
        }

        var usage = result.Usage;
        if (_prices is not null && (usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0) > 0)
        {
            var model = new KeyValuePair<string, object?>("gen_ai.response.model", result.ModelId);
            if (_prices.Cost(result.ModelId, usage.InputTokenCount ?? 0, usage.CachedInputTokenCount ?? 0, usage.OutputTokenCount ?? 0) is { } cost)
            {
                Cost.Record((double)cost, strategy, model);
            }
            else
            {
                UnpricedRuns.Add(1, strategy, model);
            }
        }
    }
}
