namespace LlmStrategies;

/// <summary>
/// A named, fingerprinted way of answering requests (for example "prompt-only", "few-shot", "hybrid RAG").
/// Experiments run strategies; they never reach inside them.
/// </summary>
public interface IStrategy
{
    /// <summary>Gets the strategy's name, unique within an experiment.</summary>
    string Name { get; }

    /// <summary>Gets the stable hash of every setting that can change the strategy's answers.</summary>
    StrategyFingerprint Fingerprint { get; }

    /// <summary>Answers <paramref name="request"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels every stage.</param>
    /// <returns>The result, including rejections and refusals; see <see cref="StrategyResult.Outcome"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="StrategyExecutionException">A stage's component (retriever, model, validator...) failed.</exception>
    Task<StrategyResult> RunAsync(StrategyRequest request, CancellationToken cancellationToken = default);
}
