using LlmStrategies.Pipeline;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LlmStrategies.Baseline;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Retrieval.Reranking;

/// <summary>
/// Asks a chat model to order an inner retriever's candidates (listwise reranking, as in RankGPT): one call shows the
/// numbered passages and asks for their numbers, most relevant first. Numbers the model leaves out keep their original
/// order after the ones it ranked; an unusable answer keeps the original order. The returned scores are rank-derived
/// ((n − position) / n). Result names say what happened: "llm-rerank", "llm-rerank:unparsable-kept-order", or, with the
/// offline baseline (not a language model), "llm-rerank:skipped-baseline".
/// </summary>
public sealed partial class ListwiseLlmReranker : IRetriever, IFingerprintable, IContentVersioned
{
    private readonly IRetriever _inner;
    private readonly IChatClient _chatClient;
    private readonly int _candidates;
    private readonly int _maxPassageCharacters;

    /// <summary>Creates the reranker.</summary>
    /// <param name="inner">The retriever whose candidates are reordered.</param>
    /// <param name="chatClient">The model that ranks.</param>
    /// <param name="candidates">How many candidates to show the model. Default 20.</param>
    /// <param name="maxPassageCharacters">Each passage is cut to this many characters in the prompt, bounding its cost. Default 600.</param>
    public ListwiseLlmReranker(IRetriever inner, IChatClient chatClient, int candidates = 20, int maxPassageCharacters = 600)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(chatClient);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(candidates);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPassageCharacters);
        _inner = inner;
        _chatClient = chatClient;
        _candidates = candidates;
        _maxPassageCharacters = maxPassageCharacters;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<RetrievedChunk>> RetrieveAsync(RetrievalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var candidates = await _inner.RetrieveAsync(new RetrievalRequest(request.Query, Math.Max(request.Top, _candidates), request.Filter), cancellationToken).ConfigureAwait(false);
        if (OfflineBaseline.Is(_chatClient))
        {
            return Ranked(candidates, Enumerable.Range(0, candidates.Count), request.Top, "llm-rerank:skipped-baseline");
        }

        if (candidates.Count <= 1)
        {
            return Ranked(candidates, Enumerable.Range(0, candidates.Count), request.Top, "llm-rerank");
        }

        var prompt = new StringBuilder("Rank the passages below by how well they answer the question. Reply with the passage numbers, most relevant first, separated by commas, and nothing else.\n\nQuestion: ")
            .Append(request.Query).Append("\n\n");
        for (var i = 0; i < candidates.Count; i++)
        {
            var text = candidates[i].Text;
            prompt.Append('[').Append(i + 1).Append("] ").Append(text.Length > _maxPassageCharacters ? text[.._maxPassageCharacters] : text).Append('\n');
        }

        var response = await _chatClient.GetResponseAsync(prompt.ToString(), new ChatOptions { Temperature = 0, MaxOutputTokens = 8 * candidates.Count }, cancellationToken).ConfigureAwait(false);
        var order = Number().Matches(response.Text)
            .Select(m => int.TryParse(m.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n - 1 : -1)
            .Where(i => i >= 0 && i < candidates.Count)
            .Distinct()
            .ToList();
        if (order.Count == 0)
        {
            return Ranked(candidates, Enumerable.Range(0, candidates.Count), request.Top, "llm-rerank:unparsable-kept-order");
        }

        return Ranked(candidates, order.Concat(Enumerable.Range(0, candidates.Count).Except(order)), request.Top, "llm-rerank");
    }

    /// <summary>Gets the version of the content this component answers from (its inner components' versions combined).</summary>
    public long ContentVersion => ContentVersions.Combine(_inner);

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("candidates", _candidates).Add("max-passage-characters", _maxPassageCharacters)
            .Add("model", _chatClient.GetService<ChatClientMetadata>()?.DefaultModelId)
            .AddComponent("inner", _inner);
    }

    private static RetrievedChunk[] Ranked(IReadOnlyList<RetrievedChunk> candidates, IEnumerable<int> order, int top, string name)
    {
        var n = candidates.Count;
        return order.Take(top).Select((index, position) => candidates[index].With(name, (double)(n - position) / n)).ToArray();
    }

    [GeneratedRegex(@"\d+", RegexOptions.CultureInvariant)]
    private static partial Regex Number();
}
