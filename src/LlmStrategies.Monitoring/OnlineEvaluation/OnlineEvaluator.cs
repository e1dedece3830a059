using LlmStrategies.Pipeline;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Monitoring.OnlineEvaluation;

/// <summary>
/// Runs the offline evaluators on a sample of live calls, in the background, so the calls are not slowed:
/// <see cref="TryEnqueue"/> only samples and queues. Numeric and Boolean metrics are recorded as
/// <c>llmstrategies.online_evaluation.score</c> (by metric and strategy); evaluator failures and error diagnostics as
/// <c>llmstrategies.online_evaluation.errors</c>; calls dropped because the queue was full as
/// <c>llmstrategies.online_evaluation.dropped</c>. Each finished evaluation raises <see cref="Evaluated"/>.
/// </summary>
public sealed class OnlineEvaluator : IAsyncDisposable
{
    private readonly OnlineEvaluationOptions _options;
    private readonly Channel<StrategyResult> _queue;
    private readonly Random _sampler;
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Histogram<double> _scores;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _dropped;
    private readonly Task _worker;

    /// <summary>Creates the evaluator and starts its background worker.</summary>
    /// <param name="options">Settings.</param>
    /// <param name="meterFactory">Creates the meter; <see langword="null"/> for a meter owned by this instance.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is out of range; the message names it.</exception>
    public OnlineEvaluator(OnlineEvaluationOptions options, IMeterFactory? meterFactory = null)
    {
        ValidatedOptions.ThrowIfInvalid(new OnlineEvaluationOptionsValidator(), options);
        _options = options;
        _sampler = new Random(options.Seed);
        _queue = Channel.CreateBounded<StrategyResult>(new BoundedChannelOptions(options.QueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
        _meter = meterFactory?.Create(StrategyTelemetry.Name) ?? new Meter(StrategyTelemetry.Name);
        _ownsMeter = meterFactory is null;
        _scores = _meter.CreateHistogram<double>("llmstrategies.online_evaluation.score", "1", "Evaluator metrics on sampled live calls.");
        _errors = _meter.CreateCounter<long>("llmstrategies.online_evaluation.errors", "{error}", "Evaluations that failed or reported errors.");
        _dropped = _meter.CreateCounter<long>("llmstrategies.online_evaluation.dropped", "{call}", "Sampled calls dropped because the evaluation queue was full.");
        _worker = Task.Run(ProcessAsync);
    }

    /// <summary>Raised, on the background worker, after a sampled call was evaluated.</summary>
    public event EventHandler<OnlineEvaluationCompleted>? Evaluated;

    /// <summary>Samples a finished call and, if chosen, queues it for evaluation. Never blocks and never throws for a full queue.</summary>
    /// <param name="result">The call.</param>
    /// <returns><see langword="true"/> when the call was queued.</returns>
    public bool TryEnqueue(StrategyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Response is null)
        {
            return false;
        }

        bool sampled;
        lock (_sampler)
        {
            sampled = _sampler.NextDouble() < _options.SampleRate;
        }

        if (!sampled)
        {
            return false;
        }

        if (_queue.Writer.TryWrite(result))
        {
            return true;
        }

        _dropped.Add(1, new KeyValuePair<string, object?>("llmstrategies.strategy.name", result.StrategyName));
        return false;
    }

    /// <summary>Stops accepting calls, finishes the queued evaluations and releases the meter.</summary>
    /// <returns>A task that completes when the queue is drained.</returns>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _worker.ConfigureAwait(false);
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private async Task ProcessAsync()
    {
        await foreach (var result in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var strategy = new KeyValuePair<string, object?>("llmstrategies.strategy.name", result.StrategyName);
            var context = result.Sources.Count == 0
                ? []
                : new EvaluationContext[] { new RetrievedContext(string.Join("\n\n", result.Sources.Select(s => s.Text))) };
            foreach (var evaluator in _options.Evaluators)
            {
                EvaluationResult evaluation;
                try
                {
                    evaluation = await evaluator.EvaluateAsync(result.SentMessages, result.Response!, _options.ChatConfiguration, context).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    _errors.Add(1, strategy, new("error.type", ex.GetType().FullName));
                    Evaluated?.Invoke(this, new OnlineEvaluationCompleted(result, evaluator, null, ex));
                    continue;
                }

                foreach (var metric in evaluation.Metrics.Values)
                {
                    var value = metric switch
                    {
                        NumericMetric { Value: { } number } => number,
                        BooleanMetric { Value: { } flag } => flag ? 1.0 : 0.0,
                        _ => (double?)null,
                    };
                    if (value is { } v)
                    {
                        _scores.Record(v, strategy, new("llmstrategies.metric", metric.Name));
                    }

                    if (metric.Diagnostics?.Any(d => d.Severity == EvaluationDiagnosticSeverity.Error) == true || value is null)
                    {
                        _errors.Add(1, strategy, new("llmstrategies.metric", metric.Name));
                    }
                }

                Evaluated?.Invoke(this, new OnlineEvaluationCompleted(result, evaluator, evaluation, null));
            }
        }
    }
}

/// <summary>One evaluator's verdict on one sampled call.</summary>
/// <param name="Result">The evaluated call.</param>
/// <param name="Evaluator">The evaluator.</param>
/// <param name="Evaluation">The evaluation, or <see langword="null"/> when the evaluator threw.</param>
/// <param name="Error">What the evaluator threw, or <see langword="null"/>.</param>
public sealed record OnlineEvaluationCompleted(StrategyResult Result, IEvaluator Evaluator, EvaluationResult? Evaluation, Exception? Error);

/// <summary>The retrieved passages of a call, given to evaluators that judge groundedness.</summary>
internal sealed class RetrievedContext(string text) : EvaluationContext("retrieved-context", text);
