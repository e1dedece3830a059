namespace LlmStrategies;

/// <summary>A running or finished fine-tuning job.</summary>
public interface IFineTuneJob
{
    /// <summary>Gets the job's identifier at its provider.</summary>
    string Id { get; }

    /// <summary>Fetches the job's current state.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The state.</returns>
    Task<FineTuneJobState> GetStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Streams the job's events (progress, metrics, messages) until it reaches a terminal status.</summary>
    /// <param name="cancellationToken">Stops watching (the job keeps running).</param>
    /// <returns>The events in the order the provider reports them.</returns>
    IAsyncEnumerable<FineTuneJobEvent> WatchAsync(CancellationToken cancellationToken = default);

    /// <summary>Asks the provider to cancel the job.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The state after the request.</returns>
    Task<FineTuneJobState> CancelAsync(CancellationToken cancellationToken = default);
}
