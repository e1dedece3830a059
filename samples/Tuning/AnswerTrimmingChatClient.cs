using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace TuningSample;

/// <summary>
/// A deterministic stand-in for "another model" in the model × strategy grid, and NOT a language model: it takes the
/// extractive baseline's sentence, drops the citation marker and every word the question already contains, and answers
/// with what is left (the part of the sentence that can be the answer). It reports its own model id, so its strategies
/// have their own fingerprints and cache entries. It exists only to exercise the grid and its pivot offline.
/// </summary>
internal sealed partial class AnswerTrimmingChatClient(IChatClient extractiveBaseline) : DelegatingChatClient(extractiveBaseline)
{
    public const string ModelIdentifier = "extractive-trimmed-1";

    private static readonly ChatClientMetadata Metadata = new("llmstrategies-sample-stand-in", null, ModelIdentifier);

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        var question = list.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;
        var label = question.LastIndexOf("Question: ", StringComparison.Ordinal);
        var questionWords = Words().Matches(label >= 0 ? question[(label + 10)..] : question).Select(m => m.Value.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var sentence = Citation().Replace(response.Text, string.Empty);
        var kept = Words().Matches(sentence).Select(m => m.Value).Where(w => !questionWords.Contains(w.ToLowerInvariant())).ToArray();
        var answer = kept.Length == 0 ? sentence.Trim() : string.Join(' ', kept);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, answer))
        {
            ModelId = ModelIdentifier,
            FinishReason = response.FinishReason,
            // The prompt is the baseline's; the answer is shorter (a word count stands in for its tokens).
            Usage = new UsageDetails
            {
                InputTokenCount = response.Usage?.InputTokenCount,
                OutputTokenCount = Words().Count(answer),
                TotalTokenCount = (response.Usage?.InputTokenCount ?? 0) + Words().Count(answer),
            },
        };
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) && serviceKey is null ? Metadata : base.GetService(serviceType, serviceKey);

    [GeneratedRegex(@"\s*\[\d+\]\s*$")]
    private static partial Regex Citation();

    [GeneratedRegex(@"[\p{L}\p{N}][\p{L}\p{N}'’.-]*")]
    private static partial Regex Words();
}
