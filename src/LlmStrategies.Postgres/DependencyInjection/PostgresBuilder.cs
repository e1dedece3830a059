using LlmStrategies;
using LlmStrategies.Postgres;
using LlmStrategies.Postgres.DependencyInjection;
using LlmStrategies.Postgres.FewShot;
using LlmStrategies.Postgres.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds PostgreSQL-backed components to a service collection that has a <see cref="PostgresDatabase"/>.</summary>
public sealed class PostgresBuilder
{
    internal PostgresBuilder(IServiceCollection services) => Services = services;

    /// <summary>Gets the service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Registers <see cref="PostgresExampleStore"/> as the singleton <see cref="IExampleStore"/> (so the few-shot
    /// selectors read examples from the database), with <see cref="PostgresExampleStoreOptions"/> validated on start.
    /// </summary>
    /// <param name="configure">Sets the options (store name, change listening); optional.</param>
    /// <returns>This builder.</returns>
    public PostgresBuilder AddExampleStore(Action<PostgresExampleStoreOptions>? configure = null)
    {
        var options = Services.AddOptions<PostgresExampleStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresExampleStoreOptions>>(new OptionsCheck<PostgresExampleStoreOptions>(o => o.Validated())));
        Services.TryAddSingleton(provider => new PostgresExampleStore(
            provider.GetRequiredService<PostgresDatabase>(),
            provider.GetRequiredService<IOptions<PostgresExampleStoreOptions>>().Value,
            provider.GetService<TimeProvider>()));
        Services.TryAddSingleton<IExampleStore>(provider => provider.GetRequiredService<PostgresExampleStore>());
        return this;
    }

    /// <summary>
    /// Registers the chunk collection <paramref name="collection"/> (created on first use when missing) as a singleton
    /// <see cref="PostgresChunkStore"/>, and a <see cref="PostgresRetriever"/> over it as the singleton
    /// <see cref="IRetriever"/>, embedding queries with the registered <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>
    /// (not needed in keyword mode). <see cref="PostgresRetrieverOptions"/> are validated on start.
    /// </summary>
    /// <param name="collection">The collection's name.</param>
    /// <param name="dimension">The embedding model's dimension.</param>
    /// <param name="configure">Sets the retriever options (mode, exact or HNSW, fusion and weights); optional.</param>
    /// <param name="distance">How embeddings are compared (used when the collection is created).</param>
    /// <param name="textSearchConfiguration">The PostgreSQL text-search configuration (used when the collection is created).</param>
    /// <returns>This builder.</returns>
    public PostgresBuilder AddRetriever(
        string collection,
        int dimension,
        Action<PostgresRetrieverOptions>? configure = null,
        PostgresVectorDistance distance = PostgresVectorDistance.Cosine,
        string textSearchConfiguration = "english")
    {
        LlmStrategies.Postgres.Connection.SqlNames.Validate(collection, nameof(collection));
        LlmStrategies.Postgres.Connection.SqlNames.Validate(textSearchConfiguration, nameof(textSearchConfiguration));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        var options = Services.AddOptions<PostgresRetrieverOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresRetrieverOptions>>(new OptionsCheck<PostgresRetrieverOptions>(o => o.Validated())));
        Services.TryAddSingleton(provider => new PostgresChunkStore(provider.GetRequiredService<PostgresDatabase>(), collection, dimension, distance, textSearchConfiguration));
        Services.TryAddSingleton(provider => new PostgresRetriever(
            provider.GetRequiredService<PostgresChunkStore>(),
            provider.GetService<IEmbeddingGenerator<string, Embedding<float>>>(),
            provider.GetRequiredService<IOptions<PostgresRetrieverOptions>>().Value));
        Services.TryAddSingleton<IRetriever>(provider => provider.GetRequiredService<PostgresRetriever>());
        return this;
    }
}
