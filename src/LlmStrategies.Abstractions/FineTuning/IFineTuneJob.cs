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

    /// <summary>
    /// Waits until the job reaches a terminal status (succeeded, failed or cancelled), checking its state with the
    /// provider's backoff, and returns that state. A failed or cancelled job is a result, not an exception: check
    /// <see cref="FineTuneJobState.Status"/> and <see cref="FineTuneJobState.Error"/>.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (the job keeps running).</param>
    /// <returns>The terminal state.</returns>
    Task<FineTuneJobState> WaitForCompletionAsync(CancellationToken cancellationToken = default);

    /// <summary>Streams the job's events (progress, metrics, messages) until it reaches a terminal status.</summary>
    /// <param name="cancellationToken">Stops watching (the job keeps running).</param>
    /// <returns>The events in the order the provider reports them.</returns>
    IAsyncEnumerable<FineTuneJobEvent> WatchAsync(CancellationToken cancellationToken = default);

    /// <summary>Asks the provider to cancel the job.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The state after the request.</returns>
    Task<FineTuneJobState> CancelAsync(CancellationToken cancellationToken = default);
}
