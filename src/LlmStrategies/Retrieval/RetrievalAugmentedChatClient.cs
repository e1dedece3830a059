using System.Runtime.CompilerServices;
using LlmStrategies.Prompting;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Retrieval;

/// <summary>
/// Chat-client middleware that retrieves chunks for the last user message and puts them, numbered as citation markers
/// [1], [2], ..., in front of that message with an instruction to answer from them and cite them. The chunks are
/// returned in the response's additional properties (see
/// <see cref="StrategyResponseExtensions.GetRetrievedSources(ChatResponse)"/>). When nothing is retrieved the message is
/// passed on unchanged.
/// </summary>
/// <remarks>
/// The retrieval request, the layout of the passages and the fingerprint contribution are those of the pipeline's
/// retrieval stage (one implementation behind both); wrapped into a <see cref="Pipeline.StrategyPipeline"/> with
/// <c>UseChatClientMiddleware</c>, the middleware's retriever and count become part of the strategy's fingerprint.
/// </remarks>
public sealed class RetrievalAugmentedChatClient : DelegatingChatClient, IFingerprintable
{
    private readonly RetrievalStage _stage;
    private readonly MetadataFilter? _filter;

    /// <summary>Creates the middleware.</summary>
    /// <param name="innerClient">The client to forward to.</param>
    /// <param name="retriever">Finds the chunks.</param>
    /// <param name="options">Settings; <see langword="null"/> for defaults.</param>
    public RetrievalAugmentedChatClient(IChatClient innerClient, IRetriever retriever, RetrievalAugmentationOptions? options = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        options ??= new RetrievalAugmentationOptions();
        ValidatedOptions.ThrowIfInvalid(new RetrievalAugmentationOptionsValidator(), options);
        _stage = new RetrievalStage(retriever, options.Top);
        _filter = options.Filter;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (augmented, sources) = await AugmentAsync(messages, cancellationToken).ConfigureAwait(false);
        var response = await base.GetResponseAsync(augmented, options, cancellationToken).ConfigureAwait(false);
        StrategyResponseExtensions.SetRetrievedSources(response.AdditionalProperties ??= [], sources);
        return response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (augmented, sources) = await AugmentAsync(messages, cancellationToken).ConfigureAwait(false);
        var updates = base.GetStreamingResponseAsync(augmented, options, cancellationToken);
        await foreach (var update in StrategyResponseExtensions.AnnotateFirst(updates, p => StrategyResponseExtensions.SetRetrievedSources(p, sources), cancellationToken).ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private async Task<(List<ChatMessage> Messages, IReadOnlyList<RetrievedChunk> Sources)> AugmentAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        var lastUser = list.FindLastIndex(m => m.Role == ChatRole.User);
        if (lastUser < 0 || string.IsNullOrWhiteSpace(list[lastUser].Text))
        {
            return (list, []);
        }

        var original = list[lastUser];
        var chunks = await _stage.RetrieveAsync(original.Text, _filter, cancellationToken).ConfigureAwait(false);
        if (chunks.Count == 0)
        {
            return (list, chunks);
        }

        // Keep the caller's contents (images, data) and only put the context before them.
        var contents = new List<AIContent>(original.Contents.Count + 1)
        {
            new TextContent(PromptText.RenderContextBeforeQuestion(chunks)),
        };
        contents.AddRange(original.Contents);
        list[lastUser] = new ChatMessage(ChatRole.User, contents) { AuthorName = original.AuthorName, MessageId = original.MessageId };
        return (list, chunks);
    }

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        RetrievalStage.AddToFingerprint(builder, _stage);
        builder.Add("retriever.filter", _filter?.ToString());
    }
}
