using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Polly;

namespace LlmStrategies.Resilience;

/// <summary>
/// Chat-client middleware that runs model calls through a Polly v8 pipeline: yours (any <see cref="ResiliencePipeline"/>,
/// for example one registered with Polly's <c>AddResiliencePipeline</c>), or the default recipe of
/// <see cref="ResilienceOptions"/> (retries with exponential backoff, jitter and Retry-After; attempt and total
/// timeouts; circuit breaker; concurrency limit; optional hedging). When everything fails, an optional fallback client
/// (for example a cheaper model) answers.
/// </summary>
/// <remarks>
/// <para>
/// A call that still fails throws the last failure: Polly's typed <c>TimeoutRejectedException</c>,
/// <c>BrokenCircuitException</c> or <c>RateLimiterRejectedException</c>, or the model's own exception; cancelling the
/// caller's token throws <see cref="OperationCanceledException"/> and is never retried or fallen back from.
/// </para>
/// <para>
/// Streaming calls are protected until the first update arrives; a failure after that is the caller's to handle,
/// because the text already streamed cannot be taken back. Cancelling the caller's token ends the stream at any point:
/// the model's stream runs on a token linked to the caller's for its whole life, not on the pipeline's attempt token
/// (which Polly disposes once the first update is in). Hedging does not apply to streaming in the default recipe; a
/// pipeline you bring is used as it is. A response produced by the fallback client carries
/// <see cref="FallbackUsedKey"/> = <see langword="true"/> in its additional properties, and the fallback model's id is
/// part of a strategy pipeline's fingerprint.
/// </para>
/// </remarks>
public sealed class ResilientChatClient : DelegatingChatClient, IFingerprintable
{
    /// <summary>The additional-properties key set to <see langword="true"/> on responses produced by the fallback client.</summary>
    public const string FallbackUsedKey = "llmstrategies.fallback_used";

    private readonly ResilienceExecutor<ChatResponse> _pipeline;
    private readonly ResilienceExecutor<StartedStream> _streamingPipeline;
    private readonly IChatClient? _fallback;

    /// <summary>Creates the middleware with the default recipe.</summary>
    /// <param name="innerClient">The client to protect.</param>
    /// <param name="options">The recipe's settings; <see langword="null"/> for the defaults.</param>
    /// <param name="fallback">A client to answer when the inner client fails for good, or <see langword="null"/>.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is out of range; the message names it.</exception>
    public ResilientChatClient(IChatClient innerClient, ResilienceOptions? options = null, IChatClient? fallback = null)
        : this(innerClient, options ?? new ResilienceOptions(), ResilienceTelemetry.None, fallback)
    {
    }

    /// <summary>Creates the middleware with your own Polly pipeline.</summary>
    /// <param name="innerClient">The client to protect.</param>
    /// <param name="pipeline">The pipeline every call (and the start of every stream) runs through.</param>
    /// <param name="fallback">A client to answer when the inner client fails for good, or <see langword="null"/>.</param>
    public ResilientChatClient(IChatClient innerClient, ResiliencePipeline pipeline, IChatClient? fallback = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = ResilienceExecutor<ChatResponse>.From(pipeline);
        _streamingPipeline = ResilienceExecutor<StartedStream>.From(pipeline);
        _fallback = fallback;
    }

    internal ResilientChatClient(IChatClient innerClient, ResilienceOptions options, ResilienceTelemetry telemetry, IChatClient? fallback)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pipeline = ResilienceExecutor<ChatResponse>.From(ResiliencePipelines.Create<ChatResponse>(options, telemetry));
        _streamingPipeline = ResilienceExecutor<StartedStream>.From(ResiliencePipelines.Create<StartedStream>(options, telemetry, allowHedging: false));
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
        var started = await _streamingPipeline.ExecuteAsync(
            static (state, attemptToken) => state.Client.StartStreamAsync(state.List, state.Options, attemptToken, state.CallerToken),
            (Client: this, List: list, Options: options, CallerToken: cancellationToken),
            cancellationToken).ConfigureAwait(false);

        await using (started.ConfigureAwait(false))
        {
            if (!started.HasFirst)
            {
                yield break;
            }

            yield return started.Enumerator.Current;
            while (await started.Enumerator.MoveNextAsync().ConfigureAwait(false))
            {
                yield return started.Enumerator.Current;
            }
        }
    }

    /// <summary>Adds the fallback model, which can answer instead of the configured one.</summary>
    /// <param name="builder">The fingerprint builder.</param>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("fallback.model", _fallback?.GetService<ChatClientMetadata>()?.DefaultModelId ?? _fallback?.GetType().FullName);
    }

    private Task<ChatResponse> InnerGetResponseAsync(IList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken) =>
        base.GetResponseAsync(messages, options?.Clone(), cancellationToken);

    /// <summary>
    /// One attempt at starting the stream. The stream gets a token linked to the caller's that lives as long as the stream;
    /// the attempt token (timeouts, hedging) cancels it only until the first update has arrived.
    /// </summary>
    private async ValueTask<StartedStream> StartStreamAsync(IList<ChatMessage> messages, ChatOptions? options, CancellationToken attemptToken, CancellationToken callerToken)
    {
        var streamLifetime = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
        IAsyncEnumerator<ChatResponseUpdate>? enumerator = null;
        try
        {
            bool hasFirst;
            using (attemptToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), streamLifetime))
            {
                enumerator = base.GetStreamingResponseAsync(messages, options?.Clone(), streamLifetime.Token).GetAsyncEnumerator(streamLifetime.Token);
                hasFirst = await enumerator.MoveNextAsync().ConfigureAwait(false);
            }

            // A timeout that fired just as the first update arrived must not leave a cancelled stream behind.
            attemptToken.ThrowIfCancellationRequested();
            return new StartedStream(enumerator, hasFirst, streamLifetime);
        }
        catch
        {
            if (enumerator is not null)
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }

            streamLifetime.Dispose();
            throw;
        }
    }

    /// <summary>A stream whose first update was read (to detect early failures), with the token source it runs on.</summary>
    internal sealed class StartedStream(IAsyncEnumerator<ChatResponseUpdate> enumerator, bool hasFirst, CancellationTokenSource lifetime) : IAsyncDisposable
    {
        public IAsyncEnumerator<ChatResponseUpdate> Enumerator { get; } = enumerator;

        public bool HasFirst { get; } = hasFirst;

        public async ValueTask DisposeAsync()
        {
            try
            {
                await Enumerator.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                lifetime.Dispose();
            }
        }
    }
}
