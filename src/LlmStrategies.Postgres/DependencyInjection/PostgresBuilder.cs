using LlmStrategies;
using LlmStrategies.Postgres;
using LlmStrategies.Postgres.DependencyInjection;
using LlmStrategies.Postgres.Experiments;
using LlmStrategies.Postgres.FewShot;
using LlmStrategies.Postgres.Monitoring;
using LlmStrategies.Postgres.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Compliance.Redaction;
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

    /// <summary>Registers <see cref="PostgresExperimentHistory"/> as a singleton.</summary>
    /// <returns>This builder.</returns>
    public PostgresBuilder AddExperimentHistory()
    {
        Services.TryAddSingleton(provider => new PostgresExperimentHistory(provider.GetRequiredService<PostgresDatabase>(), provider.GetService<TimeProvider>()));
        return this;
    }

    /// <summary>
    /// Registers <see cref="PostgresCallLog"/> as a singleton, redacting with the registered
    /// <see cref="IRedactorProvider"/> (add <c>services.AddLlmContentRedaction()</c>) unless the options turn redaction off.
    /// </summary>
    /// <param name="configure">Sets the options (log name, redaction); optional.</param>
    /// <returns>This builder.</returns>
    public PostgresBuilder AddCallLog(Action<PostgresCallLogOptions>? configure = null)
    {
        var options = Services.AddOptions<PostgresCallLogOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresCallLogOptions>>(new OptionsCheck<PostgresCallLogOptions>(o => ArgumentException.ThrowIfNullOrWhiteSpace(o.LogName, "PostgresCallLogOptions.LogName"))));
        Services.TryAddSingleton(provider => new PostgresCallLog(
            provider.GetRequiredService<PostgresDatabase>(),
            provider.GetRequiredService<IOptions<PostgresCallLogOptions>>().Value,
            provider.GetService<IRedactorProvider>(),
            provider.GetService<TimeProvider>()));
        return this;
    }
}
