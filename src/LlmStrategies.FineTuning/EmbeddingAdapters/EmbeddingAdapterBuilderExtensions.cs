using Microsoft.Extensions.AI;

namespace LlmStrategies.FineTuning.EmbeddingAdapters;

/// <summary>Adds an <see cref="AdaptedEmbeddingGenerator"/> to an embedding-generator pipeline.</summary>
public static class EmbeddingAdapterBuilderExtensions
{
    /// <summary>Applies a trained <see cref="EmbeddingAdapter"/> to every embedding the pipeline produces.</summary>
    /// <param name="builder">The embedding-generator builder.</param>
    /// <param name="adapter">The adapter, trained on the embeddings of the generator the builder wraps.</param>
    /// <returns>The builder.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> UseEmbeddingAdapter(this EmbeddingGeneratorBuilder<string, Embedding<float>> builder, EmbeddingAdapter adapter)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(adapter);
        return builder.Use(inner => new AdaptedEmbeddingGenerator(inner, adapter));
    }
}
