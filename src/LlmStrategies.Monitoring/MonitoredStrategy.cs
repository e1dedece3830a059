using System.Diagnostics.Metrics;
using System.Threading.Channels;
using LlmStrategies.Monitoring.Drift;
using LlmStrategies.Monitoring.Logging;
using LlmStrategies.Monitoring.OnlineEvaluation;
using LlmStrategies.Pipeline;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Monitoring;

/// <summary>
/// Watches a strategy in production without changing its answers: logs every call (content redacted, if included),
/// appends it to the JSONL call log, feeds the drift monitor and hands a sample of calls to online evaluation. Work that takes time (embedding inputs for
/// drift, running evaluators) happens in the background, so calls are not slowed.
/// </summary>
/// <remarks>
/// Monitoring never fails a request: when the structured log, the call log (for example a full disk), the drift monitor
/// or online evaluation throws, the call's result is still returned, the failure is counted in
/// <see cref="MonitoringFailures"/> and on the metric <c>llmstrategies.monitoring.failures</c> (tagged with the
/// component), and logged as a warning through <see cref="MonitoredStrategyOptions.Logger"/> when there is one.
/// <see cref="DisposeAsync"/> does not throw for such failures either.
/// </remarks>
public sealed class MonitoredStrategy : IStrategy, IAsyncDisposable
{
    private readonly IStrategy _inner;
    private readonly MonitoredStrategyOptions _options;
    private readonly Channel<DriftObservation>? _embeddingQueue;
    private readonly Task? _embeddingWorker;
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _failures;
    private long _failureCount;

    /// <summary>Creates the decorator.</summary>
    /// <param name="inner">The strategy to watch.</param>
    /// <param name="options">What to do with each call.</param>
    /// <param name="meterFactory">Creates the meter for the failure counter; <see langword="null"/> for a meter owned by this instance.</param>
    public MonitoredStrategy(IStrategy inner, MonitoredStrategyOptions options, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ValidatedOptions.ThrowIfInvalid(new MonitoredStrategyOptionsValidator(), options);
        _inner = inner;
        _options = options;
        _meter = meterFactory?.Create(StrategyTelemetry.Name) ?? new Meter(StrategyTelemetry.Name);
        _ownsMeter = meterFactory is null;
        _failures = _meter.CreateCounter<long>("llmstrategies.monitoring.failures", "{failure}", "Monitoring work that failed for a call that was served anyway (call log writes, structured logs, drift, online evaluation).");
        if (options.Drift is not null && options.DriftEmbeddings is not null)
        {
            _embeddingQueue = Channel.CreateBounded<DriftObservation>(new BoundedChannelOptions(1_000) { SingleReader = true });
            _embeddingWorker = Task.Run(EmbedAndObserveAsync);
        }
    }

    /// <inheritdoc/>
    public string Name => _inner.Name;

    /// <inheritdoc/>
    public StrategyFingerprint Fingerprint => _inner.Fingerprint;

    /// <summary>Gets how many times monitoring work failed (and was skipped) since this instance was created.</summary>
    public long MonitoringFailures => Interlocked.Read(ref _failureCount);

    /// <inheritdoc/>
    public async Task<StrategyResult> RunAsync(StrategyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        StrategyResult result;
        try
        {
            result = await _inner.RunAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Guard("structured log", () => _options.Logger?.LogFailure(_inner.Name, request.Id, ex));
            throw;
        }

        Guard("structured log", () => _options.Logger?.Log(result));
        if (_options.CallLog is { } callLog)
        {
            try
            {
                // Not the caller's token: the call was served, so its line is written even if the caller gives up now.
                await callLog.AppendAsync(result, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Monitoring must never fail a request that was served; the failure is counted and logged.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                RecordFailure("call log", ex);
            }
        }

        Guard("online evaluation", () => _options.OnlineEvaluation?.TryEnqueue(result));
        if (_options.Drift is { } drift)
        {
            Guard("drift monitor", () => ObserveDrift(drift, result));
        }

        return result;
    }

    /// <summary>Finishes the background drift work (online evaluation is disposed by its owner). Never throws for monitoring failures.</summary>
    /// <returns>A task that completes when queued observations are processed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_embeddingQueue is not null)
        {
            _embeddingQueue.Writer.TryComplete();
            await _embeddingWorker!.ConfigureAwait(false);
        }

        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private void ObserveDrift(DriftMonitor drift, StrategyResult result)
    {
        var observation = new DriftObservation
        {
            Input = result.Request.Question,
            Refused = result.Outcome == StrategyOutcome.Refused,
            OutputLabel = _options.OutputLabel?.Invoke(result),
        };
        if (_embeddingQueue is null)
        {
            drift.Observe(observation);
        }
        else
        {
            _embeddingQueue.Writer.TryWrite(observation);
        }
    }

    private void Guard(string component, Action work)
    {
        try
        {
            work();
        }
#pragma warning disable CA1031 // Monitoring must never fail a request that was served; the failure is counted and logged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            RecordFailure(component, ex);
        }
    }

    private void RecordFailure(string component, Exception exception)
    {
        Interlocked.Increment(ref _failureCount);
        _failures.Add(1, new KeyValuePair<string, object?>("llmstrategies.strategy.name", _inner.Name), new KeyValuePair<string, object?>("llmstrategies.monitoring.component", component));
        try
        {
            _options.Logger?.LogMonitoringFailure(_inner.Name, component, exception);
        }
#pragma warning disable CA1031 // A logger that throws while reporting a failure must not turn it into a failed request.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private async Task EmbedAndObserveAsync()
    {
        await foreach (var observation in _embeddingQueue!.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            ReadOnlyMemory<float>? embedding = null;
            try
            {
                embedding = (await _options.DriftEmbeddings!.GenerateAsync([observation.Input]).ConfigureAwait(false))[0].Vector;
            }
#pragma warning disable CA1031 // A failing embedding call must not stop monitoring; the observation is kept without its embedding.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                RecordFailure("drift embeddings", ex);
            }

            Guard("drift monitor", () => _options.Drift!.Observe(new DriftObservation { Input = observation.Input, Refused = observation.Refused, OutputLabel = observation.OutputLabel, Embedding = embedding }));
        }
    }
}
