using LlmStrategies.Prompting;

namespace LlmStrategies.Retrieval;

/// <summary>
/// The retrieval stage, shared by <see cref="Pipeline.StrategyPipeline"/> and <see cref="RetrievalAugmentedChatClient"/>:
/// how a retrieval request is made, how a broken retriever is reported, how the chunks are laid out in the prompt
/// (numbered passages with citation markers before the labelled question: <see cref="PromptText.RenderContextBeforeQuestion"/>)
/// and what the stage adds to a fingerprint.
/// </summary>
internal sealed class RetrievalStage(IRetriever retriever, int top)
{
    public IRetriever Retriever { get; } = retriever;

    public int Top { get; } = top;

    /// <summary>Retrieves up to <see cref="Top"/> chunks for <paramref name="question"/>.</summary>
    public async Task<IReadOnlyList<RetrievedChunk>> RetrieveAsync(string question, MetadataFilter? filter, CancellationToken cancellationToken) =>
        await Retriever.RetrieveAsync(new RetrievalRequest(question, Top, filter), cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException($"Retriever {Retriever.GetType().FullName} returned null; return an empty list when nothing matches.");

    /// <summary>Adds the stage (or its absence) to a fingerprint: the retriever as a component, then the count.</summary>
    public static void AddToFingerprint(FingerprintBuilder builder, RetrievalStage? stage)
    {
        builder.AddComponent("retriever", stage?.Retriever);
        builder.Add("retriever.top", stage?.Top ?? 0);
    }
}
