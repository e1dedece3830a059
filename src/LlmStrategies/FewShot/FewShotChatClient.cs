using System.Runtime.CompilerServices;
using LlmStrategies.Prompting;
using Microsoft.Extensions.AI;

namespace LlmStrategies.FewShot;

/// <summary>
/// Chat-client middleware that inserts worked examples, chosen for the last user message by an
/// <see cref="IFewShotSelector"/>, as user/assistant turns just before that message. The chosen examples are returned in
/// the response's additional properties (see <see cref="StrategyResponseExtensions.GetFewShotExamples(ChatResponse)"/>).
/// </summary>
public sealed class FewShotChatClient : DelegatingChatClient
{
    private readonly IFewShotSelector _selector;
    private readonly int _count;
    private readonly MetadataFilter? _filter;

    /// <summary>Creates the middleware.</summary>
    /// <param name="innerClient">The client to forward to.</param>
    /// <param name="selector">Chooses the examples.</param>
    /// <param name="options">Settings; <see langword="null"/> for defaults.</param>
    public FewShotChatClient(IChatClient innerClient, IFewShotSelector selector, FewShotChatClientOptions? options = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(selector);
        options ??= new FewShotChatClientOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Count, "FewShotChatClientOptions.Count");
        _selector = selector;
        _count = options.Count;
        _filter = options.Filter;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (augmented, examples) = await AugmentAsync(messages, cancellationToken).ConfigureAwait(false);
        var response = await base.GetResponseAsync(augmented, options, cancellationToken).ConfigureAwait(false);
        StrategyResponseExtensions.SetFewShotExamples(response.AdditionalProperties ??= [], examples);
        return response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (augmented, examples) = await AugmentAsync(messages, cancellationToken).ConfigureAwait(false);
        var updates = base.GetStreamingResponseAsync(augmented, options, cancellationToken);
        await foreach (var update in StrategyResponseExtensions.AnnotateFirst(updates, p => StrategyResponseExtensions.SetFewShotExamples(p, examples), cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private async Task<(List<ChatMessage> Messages, IReadOnlyList<FewShotExample> Examples)> AugmentAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        var lastUser = list.FindLastIndex(m => m.Role == ChatRole.User);
        if (lastUser < 0 || _count == 0)
        {
            return (list, []);
        }

        var examples = await _selector.SelectAsync(new FewShotRequest(list[lastUser].Text, _count, _filter), cancellationToken).ConfigureAwait(false);
        list.InsertRange(lastUser, PromptText.RenderExamples(examples));
        return (list, examples);
    }
}
