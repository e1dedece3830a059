using LlmStrategies.Resilience;

namespace Microsoft.Extensions.AI;

/// <summary>Adds resilience (Polly v8) to chat-client and embedding-generator pipelines.</summary>
public static class ResilienceBuilderExtensions
{
    /// <summary>Protects model calls with retries, timeouts, a circuit breaker and, optionally, concurrency limits, hedging and a fallback client.</summary>
    /// <param name="builder">The chat-client builder.</param>
    /// <param name="configure">Adjusts the settings (see <see cref="ResilienceOptions"/> for the defaults).</param>
    /// <param name="fallback">A client to answer when the protected client fails for good, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseResilience(this ChatClientBuilder builder, Action<ResilienceOptions>? configure = null, IChatClient? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new ResilienceOptions();
        configure?.Invoke(options);
        options.Validate();
        return builder.Use(inner => new ResilientChatClient(inner, options, fallback));
    }

    /// <summary>Protects embedding calls with retries, timeouts, a circuit breaker and, optionally, concurrency limits and hedging.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TEmbedding">The embedding type.</typeparam>
    /// <param name="builder">The embedding-generator builder.</param>
    /// <param name="configure">Adjusts the settings.</param>
    /// <returns>The builder.</returns>
    public static EmbeddingGeneratorBuilder<TInput, TEmbedding> UseResilience<TInput, TEmbedding>(this EmbeddingGeneratorBuilder<TInput, TEmbedding> builder, Action<ResilienceOptions>? configure = null)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new ResilienceOptions();
        configure?.Invoke(options);
        options.Validate();
        return builder.Use(inner => new ResilientEmbeddingGenerator<TInput, TEmbedding>(inner, options));
    }
}
