using Microsoft.Extensions.AI;
using Polly;

namespace LlmStrategies.Resilience;

/// <summary>
/// Embedding-generator middleware with the same Polly v8 protection as <see cref="ResilientChatClient"/>: your pipeline
/// or the default recipe of <see cref="ResilienceOptions"/>.
/// </summary>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TEmbedding">The embedding type.</typeparam>
public sealed class ResilientEmbeddingGenerator<TInput, TEmbedding> : DelegatingEmbeddingGenerator<TInput, TEmbedding>
    where TEmbedding : Embedding
{
    private readonly ResilienceExecutor<GeneratedEmbeddings<TEmbedding>> _pipeline;

    /// <summary>Creates the middleware with the default recipe.</summary>
    /// <param name="innerGenerator">The generator to protect.</param>
    /// <param name="options">The recipe's settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is out of range; the message names it.</exception>
    public ResilientEmbeddingGenerator(IEmbeddingGenerator<TInput, TEmbedding> innerGenerator, ResilienceOptions? options = null)
        : this(innerGenerator, options ?? new ResilienceOptions(), ResilienceTelemetry.None)
    {
    }

    /// <summary>Creates the middleware with your own Polly pipeline.</summary>
    /// <param name="innerGenerator">The generator to protect.</param>
    /// <param name="pipeline">The pipeline every call runs through.</param>
    public ResilientEmbeddingGenerator(IEmbeddingGenerator<TInput, TEmbedding> innerGenerator, ResiliencePipeline pipeline)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = ResilienceExecutor<GeneratedEmbeddings<TEmbedding>>.From(pipeline);
    }

    internal ResilientEmbeddingGenerator(IEmbeddingGenerator<TInput, TEmbedding> innerGenerator, ResilienceOptions options, ResilienceTelemetry telemetry)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(options);
        _pipeline = ResilienceExecutor<GeneratedEmbeddings<TEmbedding>>.From(ResiliencePipelines.Create<GeneratedEmbeddings<TEmbedding>>(options, telemetry));
    }

    /// <inheritdoc/>
    public override async Task<GeneratedEmbeddings<TEmbedding>> GenerateAsync(IEnumerable<TInput> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var list = values as IList<TInput> ?? values.ToList();
        return await _pipeline.ExecuteAsync(
            static async (state, token) => await state.Generator.InnerGenerateAsync(state.List, state.Options, token).ConfigureAwait(false),
            (Generator: this, List: list, Options: options),
            cancellationToken).ConfigureAwait(false);
    }

    private Task<GeneratedEmbeddings<TEmbedding>> InnerGenerateAsync(IList<TInput> values, EmbeddingGenerationOptions? options, CancellationToken cancellationToken) =>
        base.GenerateAsync(values, options, cancellationToken);
}
