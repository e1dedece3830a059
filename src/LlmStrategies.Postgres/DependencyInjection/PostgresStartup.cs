using Microsoft.Extensions.Hosting;

namespace LlmStrategies.Postgres.DependencyInjection;

/// <summary>
/// Checks the database when the host starts: reachable, pgvector present, schema current (migrated first when
/// <see cref="PostgresOptions.MigrateOnStart"/> is set), so a misconfigured deployment fails at start, not on the first request.
/// </summary>
internal sealed class PostgresStartup(PostgresDatabase database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => database.EnsureReadyAsync(cancellationToken).AsTask();

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
