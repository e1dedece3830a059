using LlmStrategies.Pipeline;
using LlmStrategies.Baseline;
using LlmStrategies.Retrieval.Hybrid;
using LlmStrategies.Text;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Retrieval.QueryExpansion;

/// <summary>
/// Multi-query retrieval: one model call writes paraphrases of the query, every query is searched in parallel and the
/// lists are fused by reciprocal rank. Bounded: exactly one model call per retrieval, with an output-token cap.
/// With the offline baseline (no language model) it degrades to a deterministic keyword expansion (the query without
/// stop words) and says so in <see cref="RetrievedChunk.RetrieverName"/> ("multi-query:keyword-fallback").
/// </summary>
public sealed class MultiQueryRetriever : IRetriever, IFingerprintable, IContentVersioned
{
    private readonly IRetriever _inner;
    private readonly IChatClient _chatClient;
    private readonly MultiQueryOptions _options;

    /// <summary>Creates the retriever.</summary>
    /// <param name="inner">The retriever each query is sent to.</param>
    /// <param name="chatClient">The model that writes paraphrases.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    public MultiQueryRetriever(IRetriever inner, IChatClient chatClient, MultiQueryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(chatClient);
        options = ValidatedOptions.ThrowIfInvalid(new MultiQueryOptionsValidator(), options ?? new MultiQueryOptions());
        _inner = inner;
        _chatClient = chatClient;
        _options = new MultiQueryOptions { Paraphrases = options.Paraphrases, MaxOutputTokens = options.MaxOutputTokens, RrfK = options.RrfK };
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (queries, method) = await ExpandAsync(request.Query, cancellationToken).ConfigureAwait(false);
        var lists = await Task.WhenAll(queries.Select(q => _inner.RetrieveAsync(new RetrievalRequest(q, request.Top, request.Filter), cancellationToken).AsTask())).ConfigureAwait(false);
        var fusion = new HybridRetrieverOptions { Method = FusionMethod.ReciprocalRank, RrfK = _options.RrfK };
        return ResultFusion.Fuse(lists, Enumerable.Repeat(1.0, lists.Length).ToArray(), fusion, request.Top, "multi-query:" + method);
    }

    /// <summary>Returns the queries to search (the original first) and how they were made.</summary>
    /// <param name="query">The original query.</param>
    /// <param name="cancellationToken">Cancels the model call.</param>
    /// <returns>The queries and the method: "llm-paraphrase" or "keyword-fallback".</returns>
    public async Task<(IReadOnlyList<string> Queries, string Method)> ExpandAsync(string query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (OfflineBaseline.Is(_chatClient))
        {
            var keywords = string.Join(' ', TextTerms.ContentTerms(query));
            return (keywords.Length > 0 && keywords != query ? [query, keywords] : [query], "keyword-fallback");
        }

        var prompt = $"Write {_options.Paraphrases} different search queries that would find documents answering the question below. " +
            "Use different words where you can. Write one query per line, with no numbering and nothing else.\n\nQuestion: " + query;
        var response = await _chatClient.GetResponseAsync(prompt, new ChatOptions { MaxOutputTokens = _options.MaxOutputTokens, Temperature = 0 }, cancellationToken).ConfigureAwait(false);
        var queries = new List<string> { query };
        foreach (var line in response.Text.Split('\n'))
        {
            var paraphrase = line.Trim().TrimStart('-', '*', '•', ' ').Trim();
            paraphrase = StripNumbering(paraphrase);
            if (paraphrase.Length > 0 && !queries.Contains(paraphrase, StringComparer.OrdinalIgnoreCase) && queries.Count <= _options.Paraphrases)
            {
                queries.Add(paraphrase);
            }
        }

        return (queries, "llm-paraphrase");
    }

    /// <summary>Gets the version of the content this component answers from (its inner components' versions combined).</summary>
    public long ContentVersion => ContentVersions.Combine(_inner);

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("paraphrases", _options.Paraphrases).Add("max-output-tokens", _options.MaxOutputTokens).Add("rrf-k", _options.RrfK)
            .Add("model", _chatClient.GetService<ChatClientMetadata>()?.DefaultModelId)
            .AddComponent("inner", _inner);
    }

    private static string StripNumbering(string line)
    {
        var i = 0;
        while (i < line.Length && char.IsAsciiDigit(line[i]))
        {
            i++;
        }

        return i > 0 && i < line.Length && line[i] is '.' or ')' ? line[(i + 1)..].Trim() : line;
    }
}
