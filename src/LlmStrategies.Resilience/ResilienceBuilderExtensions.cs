using System.Diagnostics.Metrics;
using LlmStrategies.Pipeline;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Registry;

namespace LlmStrategies.Resilience;

/// <summary>
/// Adds resilience (Polly v8) to chat clients, embedding generators and strategy pipelines: the default recipe of
/// <see cref="ResilienceOptions"/>, a <see cref="ResiliencePipeline"/> you built, a <see cref="ResiliencePipelineBuilder"/>
/// you configure, or a pipeline registered in Polly's DI under a key (<c>services.AddResiliencePipeline(key, ...)</c>).
/// </summary>
/// <remarks>
/// Built from a service provider (<c>ChatClientBuilder.Build(services)</c>, <c>AddChatClient</c>), the default recipe and
/// the builder overloads take the <see cref="TimeProvider"/>, <see cref="ILoggerFactory"/> and
/// <see cref="IMeterFactory"/> registered there when the client is built, not when the extension is called: Polly logs
/// retries, timeouts and circuit-breaker transitions through the logger factory and emits its own metrics on the "Polly"
/// meter, and every resilience event is also counted on the host's meter "LlmStrategies.Resilience"
/// (<c>llmstrategies.resilience.events</c>). A pipeline you bring ready-built keeps the telemetry you gave it.
/// </remarks>
public static class ResilienceBuilderExtensions
{
    /// <summary>Protects model calls with the default recipe (retries, timeouts, circuit breaker; optionally concurrency limits, hedging) and an optional fallback client.</summary>
    /// <param name="builder">The chat-client builder.</param>
    /// <param name="configure">Adjusts the recipe (see <see cref="ResilienceOptions"/> for the defaults).</param>
    /// <param name="fallback">A client to answer when the protected client fails for good, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseResilience(this ChatClientBuilder builder, Action<ResilienceOptions>? configure = null, IChatClient? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = Configured(configure);
        return builder.Use((inner, services) => new ResilientChatClient(inner, options, Telemetry(services), fallback));
    }

    /// <summary>Protects model calls with your Polly pipeline.</summary>
    /// <param name="builder">The chat-client builder.</param>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="fallback">A client to answer when the protected client fails for good, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseResilience(this ChatClientBuilder builder, ResiliencePipeline pipeline, IChatClient? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(pipeline);
        return builder.Use(inner => new ResilientChatClient(inner, pipeline, fallback));
    }

    /// <summary>Protects model calls with a pipeline you configure on a Polly <see cref="ResiliencePipelineBuilder"/> (telemetry and clock from DI).</summary>
    /// <param name="builder">The chat-client builder.</param>
    /// <param name="configure">Adds strategies to the pipeline builder.</param>
    /// <param name="fallback">A client to answer when the protected client fails for good, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseResilience(this ChatClientBuilder builder, Action<ResiliencePipelineBuilder> configure, IChatClient? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.Use((inner, services) => new ResilientChatClient(inner, Build(configure, services), fallback));
    }

    /// <summary>Protects model calls with the pipeline registered in Polly's DI under <paramref name="pipelineKey"/>.</summary>
    /// <param name="builder">The chat-client builder.</param>
    /// <param name="pipelineKey">The key given to <c>services.AddResiliencePipeline(key, ...)</c>.</param>
    /// <param name="fallback">A client to answer when the protected client fails for good, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">When the client is built: no pipeline is registered under the key.</exception>
    public static ChatClientBuilder UseResilience(this ChatClientBuilder builder, string pipelineKey, IChatClient? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(pipelineKey);
        return builder.Use((inner, services) => new ResilientChatClient(inner, Keyed(services, pipelineKey), fallback));
    }

    /// <summary>Protects embedding calls with the default recipe.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TEmbedding">The embedding type.</typeparam>
    /// <param name="builder">The embedding-generator builder.</param>
    /// <param name="configure">Adjusts the recipe.</param>
    /// <returns>The builder.</returns>
    public static EmbeddingGeneratorBuilder<TInput, TEmbedding> UseResilience<TInput, TEmbedding>(this EmbeddingGeneratorBuilder<TInput, TEmbedding> builder, Action<ResilienceOptions>? configure = null)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = Configured(configure);
        return builder.Use((inner, services) => new ResilientEmbeddingGenerator<TInput, TEmbedding>(inner, options, Telemetry(services)));
    }

    /// <summary>Protects embedding calls with your Polly pipeline.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TEmbedding">The embedding type.</typeparam>
    /// <param name="builder">The embedding-generator builder.</param>
    /// <param name="pipeline">The pipeline.</param>
    /// <returns>The builder.</returns>
    public static EmbeddingGeneratorBuilder<TInput, TEmbedding> UseResilience<TInput, TEmbedding>(this EmbeddingGeneratorBuilder<TInput, TEmbedding> builder, ResiliencePipeline pipeline)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(pipeline);
        return builder.Use(inner => new ResilientEmbeddingGenerator<TInput, TEmbedding>(inner, pipeline));
    }

    /// <summary>Protects embedding calls with the pipeline registered in Polly's DI under <paramref name="pipelineKey"/>.</summary>
    /// <typeparam name="TInput">The input type.</typeparam>
    /// <typeparam name="TEmbedding">The embedding type.</typeparam>
    /// <param name="builder">The embedding-generator builder.</param>
    /// <param name="pipelineKey">The key given to <c>services.AddResiliencePipeline(key, ...)</c>.</param>
    /// <returns>The builder.</returns>
    public static EmbeddingGeneratorBuilder<TInput, TEmbedding> UseResilience<TInput, TEmbedding>(this EmbeddingGeneratorBuilder<TInput, TEmbedding> builder, string pipelineKey)
        where TEmbedding : Embedding
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(pipelineKey);
        return builder.Use((inner, services) => new ResilientEmbeddingGenerator<TInput, TEmbedding>(inner, Keyed(services, pipelineKey)));
    }

    /// <summary>
    /// Protects a strategy pipeline's model calls with the default recipe, and optionally answers with
    /// <paramref name="fallbackClient"/> (for example a cheaper model, which becomes part of the fingerprint) when the model
    /// fails for good.
    /// </summary>
    /// <param name="builder">The strategy pipeline builder.</param>
    /// <param name="configure">Adjusts the recipe; <see langword="null"/> for the defaults.</param>
    /// <param name="fallbackClient">A model to fall back to, or <see langword="null"/>.</param>
    /// <param name="services">Where the clock, logger factory and meter factory come from (for example the provider given to <c>AddStrategy</c>); <see langword="null"/> for the recipe's clock (else the system clock) and no telemetry.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is out of range; the message names it.</exception>
    public static StrategyPipelineBuilder UseResilience(this StrategyPipelineBuilder builder, Action<ResilienceOptions>? configure = null, IChatClient? fallbackClient = null, IServiceProvider? services = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = Configured(configure);
        var telemetry = Telemetry(services);
        _ = new ResilientChatClient(builder.ChatClient, options, telemetry, fallbackClient); // validate now, not at Build
        return builder.UseChatClientMiddleware(inner => new ResilientChatClient(inner, options, telemetry, fallbackClient));
    }

    /// <summary>Protects a strategy pipeline's model calls with your Polly pipeline, with an optional fallback model.</summary>
    /// <param name="builder">The strategy pipeline builder.</param>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="fallbackClient">A model to fall back to, or <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    public static StrategyPipelineBuilder UseResilience(this StrategyPipelineBuilder builder, ResiliencePipeline pipeline, IChatClient? fallbackClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(pipeline);
        return builder.UseChatClientMiddleware(inner => new ResilientChatClient(inner, pipeline, fallbackClient));
    }

    private static ResilienceOptions Configured(Action<ResilienceOptions>? configure)
    {
        var options = new ResilienceOptions();
        configure?.Invoke(options);
        return options;
    }

    private static ResilienceTelemetry Telemetry(IServiceProvider? services) => services is null
        ? ResilienceTelemetry.None
        : new ResilienceTelemetry(services.GetService<ILoggerFactory>(), services.GetService<IMeterFactory>(), services.GetService<TimeProvider>());

    private static ResiliencePipeline Build(Action<ResiliencePipelineBuilder> configure, IServiceProvider services)
    {
        var telemetry = Telemetry(services);
        var pipelineBuilder = new ResiliencePipelineBuilder { TimeProvider = telemetry.TimeProvider };
        configure(pipelineBuilder);
        telemetry.Configure(pipelineBuilder);
        return pipelineBuilder.Build();
    }

    private static ResiliencePipeline Keyed(IServiceProvider services, string key)
    {
        var provider = services.GetService<ResiliencePipelineProvider<string>>()
            ?? throw new InvalidOperationException($"UseResilience(\"{key}\") needs Polly's pipeline registry: register the pipeline with services.AddResiliencePipeline(\"{key}\", builder => ...) (package Polly.Extensions).");
        return provider.TryGetPipeline(key, out var pipeline)
            ? pipeline
            : throw new InvalidOperationException($"No resilience pipeline is registered under the key \"{key}\"; register it with services.AddResiliencePipeline(\"{key}\", builder => ...).");
    }
}
