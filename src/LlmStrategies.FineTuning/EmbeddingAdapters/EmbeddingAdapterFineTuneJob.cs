using System.Runtime.CompilerServices;

namespace LlmStrategies.FineTuning.EmbeddingAdapters;

/// <summary>An adapter training running in this process, observed through <see cref="IFineTuneJob"/>.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "The token source has no timer and no wait handle is ever requested, so it holds nothing to release; a job handle outlives its run and must stay cancellable without a Dispose contract.")]
internal sealed class EmbeddingAdapterFineTuneJob(string id, string baseModel, TimeProvider timeProvider) : IFineTuneJob
{
    private readonly Lock _gate = new();
    private readonly List<FineTuneJobEvent> _events = [];
    private readonly CancellationTokenSource _cancellation = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _run = Task.CompletedTask;
    private FineTuneJobState _state = new() { JobId = id, Status = FineTuneJobStatus.Queued, ProviderStatus = "queued", BaseModel = baseModel, CreatedAt = timeProvider.GetUtcNow() };

    public string Id { get; } = id;

    public Task<FineTuneJobState> GetStateAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_state);
        }
    }

    public async Task<FineTuneJobState> WaitForCompletionAsync(CancellationToken cancellationToken = default)
    {
        await _run.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await GetStateAsync(cancellationToken).ConfigureAwait(false);
    }

    public async IAsyncEnumerable<FineTuneJobEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var next = 0;
        while (true)
        {
            FineTuneJobEvent[] fresh;
            bool terminal;
            Task changed;
            lock (_gate)
            {
                fresh = [.. _events.Skip(next)];
                next = _events.Count;
                terminal = _state.IsTerminal;
                changed = _changed.Task;
            }

            foreach (var item in fresh)
            {
                yield return item;
            }

            if (terminal)
            {
                yield break;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<FineTuneJobState> CancelAsync(CancellationToken cancellationToken = default)
    {
        await _cancellation.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The run ended by our cancellation; its state says so.
        }

        return await GetStateAsync(cancellationToken).ConfigureAwait(false);
    }

    internal void Start(Func<CancellationToken, Task<string>> run)
    {
        var token = _cancellation.Token;
        _run = Task.Run(async () =>
        {
            try
            {
                var path = await run(token).ConfigureAwait(false);
                Finish(FineTuneJobStatus.Succeeded, "succeeded", path, null, "The job has successfully completed.");
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                Finish(FineTuneJobStatus.Cancelled, "cancelled", null, null, "The job was cancelled.");
            }
#pragma warning disable CA1031 // A failing training run is a job state (Failed, with its message), not an exception in a background task.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Finish(FineTuneJobStatus.Failed, "failed", null, ex.Message, $"The job failed: {ex.Message}");
            }
        });
    }

    internal void Running() => Update(state => new FineTuneJobState
    {
        JobId = state.JobId,
        Status = FineTuneJobStatus.Running,
        ProviderStatus = "running",
        BaseModel = state.BaseModel,
        CreatedAt = state.CreatedAt,
    });

    internal void Log(string level, string message, IReadOnlyDictionary<string, double>? metrics = null)
    {
        lock (_gate)
        {
            _events.Add(new FineTuneJobEvent
            {
                Id = $"{Id}-{_events.Count + 1}",
                Timestamp = timeProvider.GetUtcNow(),
                Level = level,
                Message = message,
                Metrics = metrics ?? new Dictionary<string, double>(0),
            });
            Signal();
        }
    }

    private void Finish(FineTuneJobStatus status, string providerStatus, string? modelId, string? error, string message)
    {
        Log(status == FineTuneJobStatus.Failed ? "error" : "info", message);
        Update(state => new FineTuneJobState
        {
            JobId = state.JobId,
            Status = status,
            ProviderStatus = providerStatus,
            BaseModel = state.BaseModel,
            CreatedAt = state.CreatedAt,
            FinishedAt = timeProvider.GetUtcNow(),
            FineTunedModelId = modelId,
            Error = error,
        });
    }

    private void Update(Func<FineTuneJobState, FineTuneJobState> change)
    {
        lock (_gate)
        {
            _state = change(_state);
            Signal();
        }
    }

    private void Signal()
    {
        _changed.TrySetResult();
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
