namespace LlmStrategies;

/// <summary>Chooses worked examples to show the model before the current input (few-shot prompting).</summary>
/// <remarks>
/// Implementations must be safe for concurrent use, and must never return an example whose input is identical or
/// near-identical to <see cref="FewShotRequest.Input"/> when they can tell (otherwise evaluation on a test split leaks).
/// </remarks>
public interface IFewShotSelector
{
    /// <summary>Selects at most <see cref="FewShotRequest.Count"/> examples for <paramref name="request"/>.</summary>
    /// <param name="request">The current input and how many examples to choose.</param>
    /// <param name="cancellationToken">Cancels the selection.</param>
    /// <returns>The examples in the order they should appear in the prompt (the last one closest to the question).</returns>
    ValueTask<IReadOnlyList<FewShotExample>> SelectAsync(FewShotRequest request, CancellationToken cancellationToken = default);
}
