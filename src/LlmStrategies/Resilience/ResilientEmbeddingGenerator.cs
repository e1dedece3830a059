using Microsoft.Extensions.AI;
using Polly;

namespace LlmStrategies.Resilience;

/// <summary>Embedding-generator middleware with the same Polly v8 protection as <see cref="ResilientChatClient"/>.</summary>
/// <typeparam name="TInput">The input type.</typeparam>
/// <typeparam name="TEmbedding">The embedding type.</typeparam>
public sealed class ResilientEmbeddingGenerator<TInput, TEmbedding> : DelegatingEmbeddingGenerator<TInput, TEmbedding>
    where TEmbedding : Embedding
{
    private readonly ResiliencePipeline<GeneratedEmbeddings<TEmbedding>> _pipeline;

    /// <summary>Creates the middleware.</summary>
    /// <param name="innerGenerator">The generator to protect.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    public ResilientEmbeddingGenerator(IEmbeddingGenerator<TInput, TEmbedding> innerGenerator, ResilienceOptions? options = null)
        : base(innerGenerator)
    {
        options ??= new ResilienceOptions();
        options.Validate();
        _pipeline = ResiliencePipelines.Create<GeneratedEmbeddings<TEmbedding>>(options);
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
