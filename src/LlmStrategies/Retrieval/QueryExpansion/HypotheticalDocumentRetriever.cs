using LlmStrategies.Pipeline;
using LlmStrategies.Baseline;
using LlmStrategies.Text;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Retrieval.QueryExpansion;

/// <summary>
/// HyDE (Gao et al., 2022, "Precise Zero-Shot Dense Retrieval without Relevance Labels"): one model call writes a
/// hypothetical passage answering the query, and the inner retriever (usually an embedding retriever) searches with
/// the query plus that passage. Bounded: one call per retrieval with an output-token cap. With the offline baseline
/// it degrades to the query's keywords and says so in <see cref="RetrievedChunk.RetrieverName"/> ("hyde:keyword-fallback").
/// </summary>
public sealed class HypotheticalDocumentRetriever : IRetriever, IFingerprintable, IContentVersioned
{
    private readonly IRetriever _inner;
    private readonly IChatClient _chatClient;
    private readonly int _maxOutputTokens;

    /// <summary>Creates the retriever.</summary>
    /// <param name="inner">The retriever searched with the hypothetical passage.</param>
    /// <param name="chatClient">The model that writes the passage.</param>
    /// <param name="maxOutputTokens">The output-token cap of the one call per retrieval. Default 200.</param>
    public HypotheticalDocumentRetriever(IRetriever inner, IChatClient chatClient, int maxOutputTokens = 200)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(chatClient);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxOutputTokens);
        _inner = inner;
        _chatClient = chatClient;
        _maxOutputTokens = maxOutputTokens;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string query;
        string method;
        if (OfflineBaseline.Is(_chatClient))
        {
            var keywords = string.Join(' ', TextTerms.ContentTerms(request.Query));
            query = keywords.Length > 0 ? keywords : request.Query;
            method = "keyword-fallback";
        }
        else
        {
            var prompt = "Write a short passage, as it might appear in a reference document, that answers the question below. " +
                "Write only the passage.\n\nQuestion: " + request.Query;
            var response = await _chatClient.GetResponseAsync(prompt, new ChatOptions { MaxOutputTokens = _maxOutputTokens, Temperature = 0 }, cancellationToken).ConfigureAwait(false);
            query = request.Query + "\n" + response.Text.Trim();
            method = "hypothetical-document";
        }

        var chunks = await _inner.RetrieveAsync(new RetrievalRequest(query, request.Top, request.Filter), cancellationToken).ConfigureAwait(false);
        return chunks.Select(c => c.With(retrieverName: "hyde:" + method)).ToArray();
    }

    /// <summary>Gets the version of the content this component answers from (its inner components' versions combined).</summary>
    public long ContentVersion => ContentVersions.Combine(_inner);

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("max-output-tokens", _maxOutputTokens).Add("model", _chatClient.GetService<ChatClientMetadata>()?.DefaultModelId).AddComponent("inner", _inner);
    }
}
