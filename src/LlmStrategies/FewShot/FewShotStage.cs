using LlmStrategies.Prompting;

namespace LlmStrategies.FewShot;

/// <summary>
/// The few-shot stage, shared by <see cref="Pipeline.StrategyPipeline"/> and <see cref="FewShotChatClient"/>: how a
/// selection request is made, how a broken selector is reported, how the examples are laid out in the prompt (as
/// user/assistant turns, see <see cref="PromptText.RenderExamples"/>) and what the stage adds to a fingerprint.
/// </summary>
internal sealed class FewShotStage(IFewShotSelector selector, int count)
{
    public IFewShotSelector Selector { get; } = selector;

    public int Count { get; } = count;

    /// <summary>Selects up to <see cref="Count"/> examples for <paramref name="question"/>.</summary>
    public async Task<IReadOnlyList<FewShotExample>> SelectAsync(string question, MetadataFilter? filter, CancellationToken cancellationToken)
    {
        if (Count == 0)
        {
            return [];
        }

        return await Selector.SelectAsync(new FewShotRequest(question, Count, filter), cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Few-shot selector {Selector.GetType().FullName} returned null; return an empty list when no example fits.");
    }

    /// <summary>Adds the stage (or its absence) to a fingerprint: the selector as a component, then the count.</summary>
    public static void AddToFingerprint(FingerprintBuilder builder, FewShotStage? stage)
    {
        builder.AddComponent("few-shot", stage?.Selector);
        builder.Add("few-shot.count", stage?.Count ?? 0);
    }
}
