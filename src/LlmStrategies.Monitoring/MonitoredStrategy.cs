using System.Threading.Channels;
using LlmStrategies.Monitoring.Drift;
using LlmStrategies.Monitoring.Logging;
using LlmStrategies.Monitoring.OnlineEvaluation;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Monitoring;

/// <summary>
/// Watches a strategy in production without changing its answers: logs every call (content redacted, if included),
/// appends it to the JSONL call log, feeds the drift monitor and hands a sample of calls to online evaluation. Work that takes time (embedding inputs for
/// drift, running evaluators) happens in the background, so calls are not slowed.
/// </summary>
public sealed class MonitoredStrategy : IStrategy, IAsyncDisposable
{
    private readonly IStrategy _inner;
    private readonly MonitoredStrategyOptions _options;
    private readonly Channel<DriftObservation>? _embeddingQueue;
    private readonly Task? _embeddingWorker;

    /// <summary>Creates the decorator.</summary>
    /// <param name="inner">The strategy to watch.</param>
    /// <param name="options">What to do with each call.</param>
    public MonitoredStrategy(IStrategy inner, MonitoredStrategyOptions options)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        _inner = inner;
        _options = options;
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
            _options.Logger?.LogFailure(_inner.Name, request.Id, ex);
            throw;
        }

        _options.Logger?.Log(result);
        if (_options.CallLog is { } callLog)
        {
            await callLog.AppendAsync(result, cancellationToken).ConfigureAwait(false);
        }

        _options.OnlineEvaluation?.TryEnqueue(result);
        if (_options.Drift is { } drift)
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

        return result;
    }

    /// <summary>Finishes the background drift work (online evaluation is disposed by its owner).</summary>
    /// <returns>A task that completes when queued observations are processed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_embeddingQueue is not null)
        {
            _embeddingQueue.Writer.TryComplete();
            await _embeddingWorker!.ConfigureAwait(false);
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
            catch (Exception)
#pragma warning restore CA1031
            {
            }

            _options.Drift!.Observe(new DriftObservation { Input = observation.Input, Refused = observation.Refused, OutputLabel = observation.OutputLabel, Embedding = embedding });
        }
    }
}
