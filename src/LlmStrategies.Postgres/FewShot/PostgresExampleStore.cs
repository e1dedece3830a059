using System.Text;
using System.Text.Json;
using LlmStrategies.Postgres.Connection;
using Npgsql;
using NpgsqlTypes;

namespace LlmStrategies.Postgres.FewShot;

/// <summary>
/// The few-shot example database in PostgreSQL: an <see cref="IExampleStore"/> that several processes read and write
/// at once, so the library's selectors and leakage guard work unchanged on examples shared by every app instance.
/// </summary>
/// <remarks>
/// <para>
/// Every write is one transaction that first increments the store's version (which serialises the writers of one
/// store, so the version orders their changes), then writes the examples, each write incrementing that example's row
/// version, and notifies listeners on commit. Readers never block.
/// </para>
/// <para>
/// <see cref="UpsertAsync"/> replaces examples whatever their state (last writer wins, as <see cref="IExampleStore"/>
/// defines it). To change an example without losing a concurrent writer's change, use optimistic concurrency:
/// <see cref="GetVersionedAsync"/> then <see cref="TryReplaceAsync"/>, which writes only if the row version is still
/// the one read, or <see cref="UpdateAsync"/>, which retries the read-change-write until it wins.
/// </para>
/// <para>
/// <see cref="Version"/> is the store's version as last seen by this instance: its own reads and writes update it, and
/// (with <see cref="PostgresExampleStoreOptions.ListenForChanges"/>) a background listener started on its first read
/// picks up other processes' writes within milliseconds by notification, or within
/// <see cref="PostgresExampleStoreOptions.ChangePollInterval"/>. It is 0 until the first value is read.
/// </para>
/// </remarks>
public sealed class PostgresExampleStore : IExampleStore, IAsyncDisposable
{
    private const string Columns = "id, input, output, label, tags, metadata::text, row_version";

    private readonly PostgresDatabase _database;
    private readonly PostgresExampleStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _listenerGate = new();
    private ExampleStoreChangeListener? _listener;
    private long _version;
    private bool _disposed;

    /// <summary>Creates the store (nothing is sent to the server until the first operation).</summary>
    /// <param name="database">The database.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults (store "default", listening for changes).</param>
    /// <param name="timeProvider">The clock for the listener's poll and reconnect delays; <see langword="null"/> for the system clock.</param>
    public PostgresExampleStore(PostgresDatabase database, PostgresExampleStoreOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _options = (options ?? new PostgresExampleStoreOptions()).Validated();
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets the store's name.</summary>
    public string StoreName => _options.StoreName;

    /// <inheritdoc/>
    public long Version
    {
        get
        {
            StartListening();
            return Interlocked.Read(ref _version);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<FewShotExample?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return (await GetVersionedAsync(id, cancellationToken).ConfigureAwait(false))?.Example;
    }

    /// <summary>Gets an example with its row version, for <see cref="TryReplaceAsync"/>.</summary>
    /// <param name="id">The example's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The example and its row version, or <see langword="null"/> when there is none with that id.</returns>
    public async ValueTask<VersionedExample?> GetVersionedAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var examples = await ReadAsync(
            (where, parameters) =>
            {
                where.Append(" AND id = @id");
                parameters.AddWithValue("id", id);
            },
            cancellationToken).ConfigureAwait(false);
        return examples.Count == 0 ? null : examples[0];
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<FewShotExample>> ListAsync(ExampleQuery? query = null, CancellationToken cancellationToken = default)
    {
        var examples = await ReadAsync(
            (where, parameters) =>
            {
                if (query?.Label is not null)
                {
                    where.Append(" AND label = @label");
                    parameters.AddWithValue("label", query.Label);
                }

                if (query?.Tag is not null)
                {
                    where.Append(" AND tags @> ARRAY[@tag]");
                    parameters.AddWithValue("tag", query.Tag);
                }

                MetadataPredicate.Append(where, parameters, query?.Filter, "metadata", "f");
            },
            cancellationToken).ConfigureAwait(false);
        return examples.Select(e => e.Example).ToArray();
    }

    /// <inheritdoc/>
    /// <remarks>Replaces existing examples whatever their row version (last writer wins); see <see cref="TryReplaceAsync"/> for conditional writes.</remarks>
    public async ValueTask UpsertAsync(IEnumerable<FewShotExample> examples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var unique = new Dictionary<string, FewShotExample>(StringComparer.Ordinal);
        foreach (var example in examples)
        {
            Validate(example);
            unique[example.Id] = example;
        }

        if (unique.Count == 0)
        {
            return;
        }

        await WriteAsync(
            async (connection, ct) =>
            {
                var command = new NpgsqlCommand(
                    $"""
                    INSERT INTO {_database.Schema}.few_shot_examples AS e (store, id, input, output, label, tags, metadata, row_version)
                    SELECT @store, x.id, x.input, x.output, x.label, ARRAY(SELECT jsonb_array_elements_text(x.tags)), x.metadata, 1
                    FROM unnest(@ids, @inputs, @outputs, @labels, @tags, @metadata) AS x (id, input, output, label, tags, metadata)
                    ON CONFLICT (store, id) DO UPDATE SET
                        input = excluded.input, output = excluded.output, label = excluded.label, tags = excluded.tags,
                        metadata = excluded.metadata, row_version = e.row_version + 1, updated_at = now()
                    """,
                    connection);
                await using (command.ConfigureAwait(false))
                {
                    var rows = unique.Values.ToArray();
                    command.Parameters.AddWithValue("store", StoreName);
                    command.Parameters.AddWithValue("ids", rows.Select(e => e.Id).ToArray());
                    command.Parameters.AddWithValue("inputs", rows.Select(e => e.Input).ToArray());
                    command.Parameters.AddWithValue("outputs", rows.Select(e => e.Output).ToArray());
                    command.Parameters.AddWithValue("labels", rows.Select(e => e.Label).ToArray());
                    command.Parameters.Add(new NpgsqlParameter("tags", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = rows.Select(e => TagsJson(e.Tags)).ToArray() });
                    command.Parameters.Add(new NpgsqlParameter("metadata", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = rows.Select(e => MetadataPredicate.Json(e.Metadata)).ToArray() });
                    await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes <paramref name="example"/> only if its row version is still <paramref name="expectedRowVersion"/>
    /// (optimistic concurrency): a writer that read the example, changed it and writes it back cannot silently
    /// overwrite another writer's change made in between. With <paramref name="expectedRowVersion"/> 0 the example is
    /// added only if no example has its id.
    /// </summary>
    /// <param name="example">The new state of the example.</param>
    /// <param name="expectedRowVersion">The row version read with <see cref="GetVersionedAsync"/>, or 0 for "must not exist".</param>
    /// <param name="cancellationToken">Cancels the write before it takes effect.</param>
    /// <returns><see langword="true"/> when written; <see langword="false"/> when the example changed, was removed or (for 0) exists.</returns>
    public async ValueTask<bool> TryReplaceAsync(FewShotExample example, long expectedRowVersion, CancellationToken cancellationToken = default)
    {
        Validate(example);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedRowVersion);
        return await WriteAsync(
            async (connection, ct) =>
            {
                var sql = expectedRowVersion == 0
                    ? $"""
                      INSERT INTO {_database.Schema}.few_shot_examples (store, id, input, output, label, tags, metadata, row_version)
                      VALUES (@store, @id, @input, @output, @label, @tags, @metadata, 1) ON CONFLICT (store, id) DO NOTHING
                      """
                    : $"""
                      UPDATE {_database.Schema}.few_shot_examples
                      SET input = @input, output = @output, label = @label, tags = @tags, metadata = @metadata, row_version = row_version + 1, updated_at = now()
                      WHERE store = @store AND id = @id AND row_version = @expected
                      """;
                var command = new NpgsqlCommand(sql, connection);
                await using (command.ConfigureAwait(false))
                {
                    command.Parameters.AddWithValue("store", StoreName);
                    command.Parameters.AddWithValue("id", example.Id);
                    command.Parameters.AddWithValue("input", example.Input);
                    command.Parameters.AddWithValue("output", example.Output);
                    command.Parameters.Add(new NpgsqlParameter("label", NpgsqlDbType.Text) { Value = (object?)example.Label ?? DBNull.Value });
                    command.Parameters.AddWithValue("tags", example.Tags.ToArray());
                    command.Parameters.Add(new NpgsqlParameter("metadata", NpgsqlDbType.Jsonb) { Value = MetadataPredicate.Json(example.Metadata) });
                    command.Parameters.AddWithValue("expected", expectedRowVersion);
                    return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Changes one example safely under concurrent writers: reads it with its row version, applies
    /// <paramref name="change"/>, and writes the result only if nobody wrote the example in between; otherwise reads
    /// again and re-applies, up to <see cref="PostgresExampleStoreOptions.MaxUpdateAttempts"/> times.
    /// </summary>
    /// <param name="id">The example's id.</param>
    /// <param name="change">Computes the new state from the current one (it may run several times; keep it free of side effects). The id must stay the same.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The example as written, or <see langword="null"/> when there is no example with that id.</returns>
    /// <exception cref="ExampleUpdateConflictException">Every attempt lost the race to another writer.</exception>
    public async ValueTask<FewShotExample?> UpdateAsync(string id, Func<FewShotExample, FewShotExample> change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 0; attempt < _options.MaxUpdateAttempts; attempt++)
        {
            if (await GetVersionedAsync(id, cancellationToken).ConfigureAwait(false) is not { } current)
            {
                return null;
            }

            var next = change(current.Example) ?? throw new InvalidOperationException("The change returned null; return the example's new state.");
            if (!string.Equals(next.Id, id, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The change turned example '{id}' into '{next.Id}'; an update keeps the id (remove and add to rename).");
            }

            if (await TryReplaceAsync(next, current.RowVersion, cancellationToken).ConfigureAwait(false))
            {
                return next;
            }
        }

        throw new ExampleUpdateConflictException($"Example '{id}' in store '{StoreName}' changed under {_options.MaxUpdateAttempts} update attempts in a row; nothing was written. Retry later, or raise PostgresExampleStoreOptions.MaxUpdateAttempts.");
    }

    /// <inheritdoc/>
    public async ValueTask<int> RemoveAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var distinct = ids.Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length == 0)
        {
            return 0;
        }

        return await WriteAsync(
            async (connection, ct) =>
            {
                var command = new NpgsqlCommand($"DELETE FROM {_database.Schema}.few_shot_examples WHERE store = @store AND id = ANY(@ids)", connection);
                await using (command.ConfigureAwait(false))
                {
                    command.Parameters.AddWithValue("store", StoreName);
                    command.Parameters.AddWithValue("ids", distinct);
                    return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the store's version from the database now (instead of waiting for the listener).</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The version.</returns>
    public async Task<long> RefreshVersionAsync(CancellationToken cancellationToken = default)
    {
        await _database.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var version = await _database.Retry.ExecuteAsync((connection, ct) => ExampleStoreChangeListener.ReadVersionAsync(connection, _database.Schema, StoreName, ct), cancellationToken).ConfigureAwait(false);
        Observe(version);
        return Interlocked.Read(ref _version);
    }

    /// <summary>Stops the change listener.</summary>
    /// <returns>A task that completes when it has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        ExampleStoreChangeListener? listener;
        lock (_listenerGate)
        {
            _disposed = true;
            listener = _listener;
            _listener = null;
        }

        if (listener is not null)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void Validate(FewShotExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        if (string.IsNullOrWhiteSpace(example.Id) || example.Input is null || example.Output is null)
        {
            throw new ArgumentException($"Example '{example.Id}' needs a non-empty id, an input and an output.", nameof(example));
        }
    }

    private static string TagsJson(IReadOnlyList<string> tags) => JsonSerializer.Serialize(tags, PostgresJsonContext.Default.IReadOnlyListString);

    private void Observe(long version)
    {
        var current = Interlocked.Read(ref _version);
        while (version > current)
        {
            var seen = Interlocked.CompareExchange(ref _version, version, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private void StartListening()
    {
        if (!_options.ListenForChanges || Volatile.Read(ref _listener) is not null)
        {
            return;
        }

        lock (_listenerGate)
        {
            if (!_disposed && _listener is null)
            {
                _listener = new ExampleStoreChangeListener(_database, StoreName, _options.ChangePollInterval, _timeProvider, Observe);
            }
        }
    }

    /// <summary>Runs <paramref name="write"/> in a transaction that first bumps the store's version; commits (and notifies) only when it reports a change.</summary>
    private async Task<T> WriteAsync<T>(Func<NpgsqlConnection, CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        await _database.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var (result, version) = await _database.Retry.ExecuteAsync(
            async (connection, ct) =>
            {
                var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    long version;
                    var bump = new NpgsqlCommand(
                        $"""
                        INSERT INTO {_database.Schema}.few_shot_stores AS s (store, version) VALUES (@store, 1)
                        ON CONFLICT (store) DO UPDATE SET version = s.version + 1 RETURNING version
                        """,
                        connection);
                    await using (bump.ConfigureAwait(false))
                    {
                        bump.Parameters.AddWithValue("store", StoreName);
                        version = (long)(await bump.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                    }

                    var result = await write(connection, ct).ConfigureAwait(false);
                    if (result is false or 0)
                    {
                        await transaction.RollbackAsync(ct).ConfigureAwait(false);
                        return (result, 0L);
                    }

                    await PostgresDatabase.ExecuteAsync(connection, "SELECT pg_notify(@channel, @payload)", ct, ("channel", ExampleStoreChangeListener.Channel(_database.Schema)), ("payload", $"{StoreName}:{version}")).ConfigureAwait(false);
                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                    return (result, version);
                }
            },
            cancellationToken).ConfigureAwait(false);
        Observe(version);
        return result;
    }

    /// <summary>Reads the store's version, then the matching examples ordered by id, in one round trip; the examples are at least as new as the version.</summary>
    private async Task<List<VersionedExample>> ReadAsync(Action<StringBuilder, NpgsqlParameterCollection> conditions, CancellationToken cancellationToken)
    {
        await _database.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        var (examples, version) = await _database.Retry.ExecuteAsync(
            async (connection, ct) =>
            {
                var batch = new NpgsqlBatch(connection);
                await using (batch.ConfigureAwait(false))
                {
                    var versionCommand = new NpgsqlBatchCommand($"SELECT coalesce((SELECT version FROM {_database.Schema}.few_shot_stores WHERE store = @store), 0)");
                    versionCommand.Parameters.AddWithValue("store", StoreName);
                    var select = new NpgsqlBatchCommand();
                    select.Parameters.AddWithValue("store", StoreName);
                    var where = new StringBuilder();
                    conditions(where, select.Parameters);
                    select.CommandText = $"SELECT {Columns} FROM {_database.Schema}.few_shot_examples WHERE store = @store{where} ORDER BY id";
                    batch.BatchCommands.Add(versionCommand);
                    batch.BatchCommands.Add(select);
                    var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        await reader.ReadAsync(ct).ConfigureAwait(false);
                        var version = reader.GetInt64(0);
                        await reader.NextResultAsync(ct).ConfigureAwait(false);
                        var rows = new List<VersionedExample>();
                        while (await reader.ReadAsync(ct).ConfigureAwait(false))
                        {
                            rows.Add(new VersionedExample(
                                new FewShotExample
                                {
                                    Id = reader.GetString(0),
                                    Input = reader.GetString(1),
                                    Output = reader.GetString(2),
                                    Label = reader.IsDBNull(3) ? null : reader.GetString(3),
                                    Tags = reader.GetFieldValue<string[]>(4),
                                    Metadata = MetadataPredicate.Parse(reader.GetString(5)),
                                },
                                reader.GetInt64(6)));
                        }

                        return (rows, version);
                    }
                }
            },
            cancellationToken).ConfigureAwait(false);
        Observe(version);
        return examples;
    }
}
