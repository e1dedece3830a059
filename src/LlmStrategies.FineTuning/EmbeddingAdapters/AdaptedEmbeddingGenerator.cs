using Microsoft.Extensions.AI;

namespace LlmStrategies.FineTuning.EmbeddingAdapters;

/// <summary>
/// An embedding generator that applies an <see cref="EmbeddingAdapter"/> to every embedding of the generator it wraps.
/// Use it for both indexing and querying: the adapter was trained on adapted queries against adapted passages. The
/// embeddings' model id becomes "&lt;base model&gt;+adapter:&lt;fingerprint&gt;", so caches and vector stores keep adapted
/// and unadapted vectors apart.
/// </summary>
public sealed class AdaptedEmbeddingGenerator : DelegatingEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingAdapter _adapter;

    /// <summary>Wraps a generator.</summary>
    /// <param name="innerGenerator">The base embedding model the adapter was trained on.</param>
    /// <param name="adapter">The adapter.</param>
    public AdaptedEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> innerGenerator, EmbeddingAdapter adapter)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        _adapter = adapter;
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The inner generator's embeddings have another length or come from another model than the adapter was trained on.</exception>
    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var generated = await base.GenerateAsync(values, options, cancellationToken).ConfigureAwait(false);
        var adapted = new GeneratedEmbeddings<Embedding<float>>(generated.Count)
        {
            Usage = generated.Usage,
            AdditionalProperties = generated.AdditionalProperties,
        };
        foreach (var embedding in generated)
        {
            CheckCompatible(embedding);
            var vector = new float[_adapter.Dimensions];
            _adapter.Transform(embedding.Vector.Span, vector);
            adapted.Add(new Embedding<float>(vector)
            {
                ModelId = AdaptedModelId(embedding.ModelId ?? _adapter.BaseModelId),
                CreatedAt = embedding.CreatedAt,
                AdditionalProperties = embedding.AdditionalProperties,
            });
        }

        return adapted;
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null && serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            var inner = base.GetService(serviceType, serviceKey) as EmbeddingGeneratorMetadata;
            return new EmbeddingGeneratorMetadata(
                inner?.ProviderName,
                inner?.ProviderUri,
                AdaptedModelId(inner?.DefaultModelId ?? _adapter.BaseModelId),
                _adapter.Dimensions);
        }

        if (serviceKey is null && serviceType == typeof(EmbeddingAdapter))
        {
            return _adapter;
        }

        return base.GetService(serviceType, serviceKey);
    }

    private string AdaptedModelId(string? baseModelId) =>
        baseModelId is null ? $"adapter:{_adapter.Fingerprint}" : $"{baseModelId}+adapter:{_adapter.Fingerprint}";

    private void CheckCompatible(Embedding<float> embedding)
    {
        if (embedding.Vector.Length != _adapter.Dimensions)
        {
            throw new InvalidOperationException(
                $"The inner generator produced a {embedding.Vector.Length}-dimensional embedding, but the adapter takes {_adapter.Dimensions} dimensions; wrap the embedding model the adapter was trained on (or train one for this model).");
        }

        if (_adapter.BaseModelId is { } expected && embedding.ModelId is { } actual && !string.Equals(expected, actual, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The adapter was trained on embeddings of '{expected}', but the inner generator produced embeddings of '{actual}'; wrap the model the adapter was trained on (or train one for '{actual}').");
        }
    }
}
