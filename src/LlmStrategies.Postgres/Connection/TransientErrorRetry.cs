using System.Net.Sockets;
using Npgsql;

namespace LlmStrategies.Postgres.Connection;

/// <summary>
/// Runs a database operation on a fresh pooled connection, retrying it after transient errors as Npgsql classifies them
/// (<see cref="NpgsqlException.IsTransient"/>: connection refused or lost, server starting or shutting down,
/// serialization failures, deadlocks), with a doubling delay. Every operation the package retries is idempotent
/// (reads, upserts by id, deletes by id, or a whole transaction that rolled back). When the retries are spent on an
/// unreachable server, the error names the address and the fix.
/// </summary>
internal sealed class TransientErrorRetry(NpgsqlDataSource dataSource, int maxRetries, TimeSpan firstDelay, TimeProvider timeProvider)
{
    public async Task<T> ExecuteAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    return await operation(connection, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (NpgsqlException ex) when (ex.IsTransient && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= maxRetries)
                {
                    throw Translate(ex, attempt + 1);
                }

                var delay = firstDelay * Math.Pow(2, attempt);
                await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task ExecuteAsync(Func<NpgsqlConnection, CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        ExecuteAsync(
            async (connection, ct) =>
            {
                await operation(connection, ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken);

    /// <summary>Turns a failure to connect into an error that names the server and the fix; other errors pass unchanged.</summary>
    public Exception Translate(NpgsqlException exception, int attempts)
    {
        if (exception is PostgresException || !IsConnectionFailure(exception))
        {
            return exception;
        }

        var settings = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        return new PostgresStoreException(
            PostgresErrorKind.ServerUnreachable,
            $"Could not connect to PostgreSQL at {settings.Host}:{settings.Port} (database '{settings.Database}') after {attempts} attempt(s): {exception.InnerException?.Message ?? exception.Message}. " +
            "Start the server (in this repository: tools/postgres.sh start), or fix Host and Port in the connection string.",
            exception);
    }

    private static bool IsConnectionFailure(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SocketException or TimeoutException || e.Message.Contains("Failed to connect", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
