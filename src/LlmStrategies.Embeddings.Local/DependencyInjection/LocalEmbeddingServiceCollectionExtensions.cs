using LlmStrategies.Embeddings.Local;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the offline <see cref="LocalEmbeddingGenerator"/>.</summary>
public static class LocalEmbeddingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LocalEmbeddingGenerator"/> as the singleton
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> of strings, with <see cref="LocalEmbeddingOptions"/>
    /// validated on start (the model directory must hold the model files). Returns the Microsoft.Extensions.AI
    /// builder so the pipeline can be extended, e.g. <c>.UseDistributedCache()</c> to cache embeddings in the
    /// registered <c>IDistributedCache</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options (model directory, parallelism); optional.</param>
    /// <returns>The embedding generator builder.</returns>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddLocalEmbeddings(
        this IServiceCollection services,
        Action<LocalEmbeddingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<LocalEmbeddingOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LocalEmbeddingOptions>, LocalEmbeddingOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LocalEmbeddingOptions>, LocalEmbeddingModelPresenceValidator>());
        return services.AddEmbeddingGenerator(provider => new LocalEmbeddingGenerator(provider.GetRequiredService<IOptions<LocalEmbeddingOptions>>().Value));
    }
}
