namespace LlmStrategies;

/// <summary>
/// Decides whether a validated request may proceed (moderation, policy, routing). A filter may refuse the request,
/// which short-circuits the pipeline with a refusal, or pass on a rewritten request.
/// </summary>
public interface IRequestFilter
{
    /// <summary>Decides what happens to <paramref name="request"/>.</summary>
    /// <param name="request">The validated request.</param>
    /// <param name="cancellationToken">Cancels the decision.</param>
    /// <returns>The decision.</returns>
    ValueTask<FilterDecision> FilterAsync(StrategyRequest request, CancellationToken cancellationToken = default);
}
