using System.Globalization;
using Npgsql;

namespace LlmStrategies.Postgres.FewShot;

/// <summary>
/// Keeps a store's version current with other processes' writes: one connection LISTENs on the schema's few-shot
/// channel (writers NOTIFY "store:version" on commit) and re-reads the version after every notification and at least
/// every poll interval, reconnecting after errors. Runs until disposed.
/// </summary>
internal sealed class ExampleStoreChangeListener : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ExampleStoreChangeListener(PostgresDatabase database, string store, TimeSpan pollInterval, TimeProvider timeProvider, Action<long> observe)
    {
        _loop = Task.Run(() => RunAsync(database, store, pollInterval, timeProvider, observe, _stop.Token));
    }

    public static string Channel(string schema) => $"{schema}_few_shot";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping is the expected end.
        }

        _stop.Dispose();
    }

    private static async Task RunAsync(PostgresDatabase database, string store, TimeSpan pollInterval, TimeProvider timeProvider, Action<long> observe, CancellationToken stop)
    {
        var pollMilliseconds = (int)pollInterval.TotalMilliseconds;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var connection = await database.DataSource.OpenConnectionAsync(stop).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    await PostgresDatabase.ExecuteAsync(connection, $"LISTEN {Channel(database.Schema)}", stop).ConfigureAwait(false);
                    while (!stop.IsCancellationRequested)
                    {
                        observe(await ReadVersionAsync(connection, database.Schema, store, stop).ConfigureAwait(false));
                        await connection.WaitAsync(pollMilliseconds, stop).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
            {
                // Server restarted or connection dropped: wait a poll interval, then listen again.
                await Task.Delay(pollInterval, timeProvider, stop).ConfigureAwait(false);
            }
        }
    }

    internal static async Task<long> ReadVersionAsync(NpgsqlConnection connection, string schema, string store, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand($"SELECT coalesce((SELECT version FROM {schema}.few_shot_stores WHERE store = @store), 0)", connection);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.AddWithValue("store", store);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
    }
}
