using LlmStrategies;
using LlmStrategies.FewShot.Store;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the few-shot example store.</summary>
public static class FewShotServiceCollectionExtensions
{
    /// <summary>
    /// Registers the embedded <see cref="ExampleStore"/> as the <see cref="IExampleStore"/>: persisted to
    /// <paramref name="path"/> (created when missing, opened when the first service needs it), or in memory when
    /// <paramref name="path"/> is <see langword="null"/>. A store registered earlier (for example an external database) wins.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="path">The store's file, or <see langword="null"/> for an in-memory store.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddExampleStore(this IServiceCollection services, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (path is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(path);
        }

        services.TryAddSingleton<IExampleStore>(_ => path is null ? ExampleStore.InMemory() : ExampleStore.Open(path));
        return services;
    }
}
