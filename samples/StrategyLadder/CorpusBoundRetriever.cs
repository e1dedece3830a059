using LlmStrategies;

namespace StrategyLadder;

/// <summary>
/// Adds the corpus's content fingerprint to a retriever's fingerprint. The response cache is keyed by the strategy
/// fingerprint, which covers a retriever's settings but not the documents in its index; without this a changed
/// knowledge base could be answered from stale cached responses.
/// </summary>
internal sealed class CorpusBoundRetriever(IRetriever inner, string corpusFingerprint) : IRetriever, IFingerprintable
{
    public ValueTask<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default) =>
        inner.RetrieveAsync(request, cancellationToken);

    public void AddToFingerprint(FingerprintBuilder builder) => builder.Add("corpus", corpusFingerprint).AddComponent("inner", inner);
}
