using LlmStrategies.Postgres;
using LlmStrategies.Postgres.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL database of LlmStrategies.</summary>
public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="PostgresDatabase"/> with <see cref="PostgresOptions"/> validated on start, and a
    /// hosted service that checks the database when the host starts (reachable, pgvector present, schema current;
    /// migrated first when <see cref="PostgresOptions.MigrateOnStart"/> is set). Add the example store and the
    /// retriever on the returned builder.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; the connection string is required.</param>
    /// <returns>A builder for the PostgreSQL-backed components.</returns>
    /// <example><code>
    /// services.AddLocalEmbeddings();
    /// services.AddLlmStrategiesPostgres(o => { o.ConnectionString = "Host=db;Username=app;Database=app"; o.MigrateOnStart = true; })
    ///     .AddRetriever("docs", dimension: 512)
    ///     .AddExampleStore();
    /// </code></example>
    public static PostgresBuilder AddLlmStrategiesPostgres(this IServiceCollection services, Action<PostgresOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PostgresOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresOptions>, PostgresOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgresOptions>>(new OptionsCheck<PostgresOptions>(o =>
        {
            if (o.ValidateDelay() is { } problem)
            {
                throw new ArgumentException(problem);
            }
        })));
        services.TryAddSingleton(provider => new PostgresDatabase(provider.GetRequiredService<IOptions<PostgresOptions>>().Value, provider.GetService<TimeProvider>()));
        services.AddHostedService<PostgresStartup>();
        return new PostgresBuilder(services);
    }
}
