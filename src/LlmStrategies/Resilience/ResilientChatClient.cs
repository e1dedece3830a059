using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Polly;

namespace LlmStrategies.Resilience;

/// <summary>
/// Chat-client middleware that makes model calls survive faults and load with a Polly v8 pipeline (retries with
/// exponential backoff, jitter and Retry-After; attempt and total timeouts; circuit breaker; concurrency limit; optional
/// hedging) and, when everything fails, an optional fallback client (for example a cheaper model).
/// </summary>
/// <remarks>
/// A call that still fails throws the last failure: Polly's typed <c>TimeoutRejectedException</c>,
/// <c>BrokenCircuitException</c> or <c>RateLimiterRejectedException</c>, or the model's own exception; cancelling the
/// caller's token throws <see cref="OperationCanceledException"/> and is never retried. Streaming calls are protected
/// until the first update arrives; a failure after that is the caller's to handle, because the text already streamed
/// cannot be taken back; hedging does not apply to streaming. A response produced by the fallback client carries
/// <see cref="FallbackUsedKey"/> = <see langword="true"/> in its additional properties.
/// </remarks>
public sealed class ResilientChatClient : DelegatingChatClient
{
    /// <summary>The additional-properties key set to <see langword="true"/> on responses produced by the fallback client.</summary>
    public const string FallbackUsedKey = "llmstrategies.fallback_used";

    private readonly ResiliencePipeline<ChatResponse> _pipeline;
    private readonly ResiliencePipeline<IAsyncEnumerator<ChatResponseUpdate>> _streamingPipeline;
    private readonly IChatClient? _fallback;

    /// <summary>Creates the middleware.</summary>
    /// <param name="innerClient">The client to protect.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    /// <param name="fallback">A client to answer when the inner client fails for good, or <see langword="null"/>.</param>
    public ResilientChatClient(IChatClient innerClient, ResilienceOptions? options = null, IChatClient? fallback = null)
        : base(innerClient)
    {
        options ??= new ResilienceOptions();
        options.Validate();
        _pipeline = ResiliencePipelines.Create<ChatResponse>(options);
        _streamingPipeline = ResiliencePipelines.Create<IAsyncEnumerator<ChatResponseUpdate>>(options, allowHedging: false);
        _fallback = fallback;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IList<ChatMessage> ?? messages.ToList();
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (state, token) => await state.Client.InnerGetResponseAsync(state.List, state.Options, token).ConfigureAwait(false),
                (Client: this, List: list, Options: options),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (_fallback is not null && !cancellationToken.IsCancellationRequested)
        {
            var response = await _fallback.GetResponseAsync(list, options?.Clone(), cancellationToken).ConfigureAwait(false);
            (response.AdditionalProperties ??= [])[FallbackUsedKey] = true;
            return response;
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages as IList<ChatMessage> ?? messages.ToList();

        // The pipeline covers starting the stream and receiving its first update.
        var enumerator = await _streamingPipeline.ExecuteAsync(
            static async (state, token) =>
            {
                var started = state.Client.InnerGetStreamingResponseAsync(state.List, state.Options, token).GetAsyncEnumerator(token);
                try
                {
                    if (!await started.MoveNextAsync().ConfigureAwait(false))
                    {
                        return started;
                    }

                    return new FirstPeeked(started);
                }
                catch
                {
                    await started.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            },
            (Client: this, List: list, Options: options),
            cancellationToken).ConfigureAwait(false);

        await using (enumerator.ConfigureAwait(false))
        {
            while (await enumerator.MoveNextAsync().ConfigureAwait(false))
            {
                yield return enumerator.Current;
            }
        }
    }

    private Task<ChatResponse> InnerGetResponseAsync(IList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
        base.GetResponseAsync(messages, options?.Clone(), cancellationToken);

    private IAsyncEnumerable<ChatResponseUpdate> InnerGetStreamingResponseAsync(IList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
        base.GetStreamingResponseAsync(messages, options?.Clone(), cancellationToken);

    /// <summary>An enumerator whose first update was already read (to detect early failures); it replays it first.</summary>
    private sealed class FirstPeeked(IAsyncEnumerator<ChatResponseUpdate> inner) : IAsyncEnumerator<ChatResponseUpdate>
    {
        private bool _replayed;

        public ChatResponseUpdate Current => inner.Current;

        public ValueTask<bool> MoveNextAsync()
        {
            if (!_replayed)
            {
                _replayed = true;
                return ValueTask.FromResult(true);
            }

            return inner.MoveNextAsync();
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
