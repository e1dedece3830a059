using System.Text.Json;
using LlmStrategies.Experiments;
using Npgsql;
using NpgsqlTypes;

namespace LlmStrategies.Postgres.Experiments;

/// <summary>
/// The shared history of experiments: every run's report, its per-item records and the tuned configurations, so a team
/// can ask "all runs of strategy X on dataset D over time", and the regression gate can take its baseline from the
/// database ("the latest accepted run of this strategy on this dataset") instead of a file in the repository.
/// </summary>
/// <remarks>
/// Reports are stored whole (their JSON, as <see cref="ExperimentReport.ToJson"/> writes it) and read back with
/// <see cref="ExperimentReport.FromJson"/>, so a report of another version fails loudly. A run becomes a baseline only
/// when it is accepted (<see cref="AcceptAsync"/>), typically after review.
/// </remarks>
public sealed class PostgresExperimentHistory
{
    private readonly PostgresDatabase _database;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the history (nothing is sent to the server until the first operation).</summary>
    /// <param name="database">The database.</param>
    /// <param name="timeProvider">The clock for the recorded times; <see langword="null"/> for the system clock.</param>
    public PostgresExperimentHistory(PostgresDatabase database, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Stores a run: its report and, when given, its per-item records, in one transaction.</summary>
    /// <param name="report">The run's report.</param>
    /// <param name="records">The run's records (<see cref="ExperimentRun.Records"/>), or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the write (it rolls back).</param>
    /// <returns>The run's id in the history.</returns>
    public async Task<long> SaveRunAsync(ExperimentReport report, IEnumerable<RunRecord>? records = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rows = (records ?? []).ToArray();
        var json = report.ToJson();
        var recordedAt = _timeProvider.GetUtcNow();
        await _database.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await _database.Retry.ExecuteAsync(
            async (connection, ct) =>
            {
                var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    long runId;
                    var insert = new NpgsqlCommand(
                        $"""
                        INSERT INTO {_database.Schema}.experiment_runs (name, dataset_name, dataset_fingerprint, completed_at, recorded_at, report)
                        VALUES (@name, @dataset, @datasetFingerprint, @completed, @recorded, @report) RETURNING run_id
                        """,
                        connection);
                    await using (insert.ConfigureAwait(false))
                    {
                        insert.Parameters.AddWithValue("name", report.Name);
                        insert.Parameters.AddWithValue("dataset", report.Dataset.Name);
                        insert.Parameters.AddWithValue("datasetFingerprint", report.Dataset.Fingerprint);
                        insert.Parameters.AddWithValue("completed", report.CompletedAt);
                        insert.Parameters.AddWithValue("recorded", recordedAt);
                        insert.Parameters.Add(new NpgsqlParameter("report", NpgsqlDbType.Jsonb) { Value = json });
                        runId = (long)(await insert.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
                    }

                    var strategies = new NpgsqlCommand(
                        $"INSERT INTO {_database.Schema}.experiment_strategies (run_id, strategy, fingerprint, model) SELECT @run, * FROM unnest(@names, @fingerprints, @models)",
                        connection);
                    await using (strategies.ConfigureAwait(false))
                    {
                        strategies.Parameters.AddWithValue("run", runId);
                        strategies.Parameters.AddWithValue("names", report.Strategies.Select(s => s.Strategy.Name).ToArray());
                        strategies.Parameters.AddWithValue("fingerprints", report.Strategies.Select(s => s.Strategy.Fingerprint).ToArray());
                        strategies.Parameters.AddWithValue("models", report.Strategies.Select(s => s.Strategy.Model).ToArray());
                        await strategies.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }

                    if (rows.Length > 0)
                    {
                        var writer = await connection.BeginBinaryImportAsync($"COPY {_database.Schema}.experiment_records (run_id, strategy, item_id, repeat, record) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
                        await using (writer.ConfigureAwait(false))
                        {
                            foreach (var record in rows)
                            {
                                await writer.StartRowAsync(ct).ConfigureAwait(false);
                                await writer.WriteAsync(runId, NpgsqlDbType.Bigint, ct).ConfigureAwait(false);
                                await writer.WriteAsync(record.StrategyName, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                                await writer.WriteAsync(record.ItemId, NpgsqlDbType.Text, ct).ConfigureAwait(false);
                                await writer.WriteAsync(record.Repeat, NpgsqlDbType.Integer, ct).ConfigureAwait(false);
                                await writer.WriteAsync(JsonSerializer.Serialize(record, PostgresJsonContext.Default.RunRecord), NpgsqlDbType.Jsonb, ct).ConfigureAwait(false);
                            }

                            await writer.CompleteAsync(ct).ConfigureAwait(false);
                        }
                    }

                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                    return runId;
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks a run as accepted: from now on it can be the baseline of the strategies it ran.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the run is accepted.</returns>
    /// <exception cref="ArgumentException">There is no run with that id.</exception>
    public async Task AcceptAsync(long runId, CancellationToken cancellationToken = default)
    {
        var acceptedAt = _timeProvider.GetUtcNow();
        var changed = await ExecuteAsync($"UPDATE {_database.Schema}.experiment_runs SET accepted_at = @at WHERE run_id = @run", cancellationToken, ("at", acceptedAt), ("run", runId)).ConfigureAwait(false);
        if (changed == 0)
        {
            throw new ArgumentException($"There is no run {runId} in the experiment history.", nameof(runId));
        }
    }

    /// <summary>Reads a run's report.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The report, or <see langword="null"/> when there is no such run.</returns>
    public async Task<ExperimentReport?> GetReportAsync(long runId, CancellationToken cancellationToken = default)
    {
        var json = await ReadScalarAsync<string>($"SELECT report::text FROM {_database.Schema}.experiment_runs WHERE run_id = @run", cancellationToken, ("run", runId)).ConfigureAwait(false);
        return json is null ? null : ExperimentReport.FromJson(json);
    }

    /// <summary>Reads a run's per-item records, ordered by strategy, item and repeat.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The records (empty when none were stored).</returns>
    public async Task<IReadOnlyList<RunRecord>> GetRecordsAsync(long runId, CancellationToken cancellationToken = default)
    {
        await _database.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await _database.Retry.ExecuteAsync(
            async (connection, ct) =>
            {
                var command = new NpgsqlCommand($"SELECT record::text FROM {_database.Schema}.experiment_records WHERE run_id = @run ORDER BY strategy, item_id, repeat", connection);
                await using (command.ConfigureAwait(false))
                {
                    command.Parameters.AddWithValue("run", runId);
                    var records = new List<RunRecord>();
                    var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(ct).ConfigureAwait(false))
                        {
                            records.Add(JsonSerializer.Deserialize(reader.GetString(0), PostgresJsonContext.Default.RunRecord)!);
                        }
                    }

                    return (IReadOnlyList<RunRecord>)records;
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists every stored run of <paramref name="strategy"/> on dataset <paramref name="datasetName"/>, oldest first.</summary>
    /// <param name="strategy">The strategy's name.</param>
    /// <param name="datasetName">The dataset's name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The runs with the strategy's metrics in each.</returns>
    public async Task<IReadOnlyList<StrategyRunSummary>> GetStrategyHistoryAsync(string strategy, string datasetName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(strategy);
        ArgumentException.ThrowIfNullOrEmpty(datasetName);
        var runs = await ReadRunsAsync(strategy, datasetName, acceptedOnly: false, latestOnly: false, cancellationToken).ConfigureAwait(false);
        return runs.Select(r =>
        {
            var strategyReport = r.Report.Strategies.First(s => s.Strategy.Name == strategy);
            return new StrategyRunSummary(r.RunId, r.Report.Name, strategy, strategyReport.Strategy.Fingerprint, r.Report.Dataset.Name, r.Report.Dataset.Fingerprint, r.Report.CompletedAt, r.AcceptedAt, strategyReport.Metrics);
        }).ToArray();
    }

    /// <summary>Reads the latest accepted run (by completion time) that ran <paramref name="strategy"/> on <paramref name="datasetName"/>.</summary>
    /// <param name="strategy">The strategy's name.</param>
    /// <param name="datasetName">The dataset's name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The run's id and report, or <see langword="null"/> when no run was accepted.</returns>
    public async Task<(long RunId, ExperimentReport Report)?> GetLatestAcceptedAsync(string strategy, string datasetName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(strategy);
        ArgumentException.ThrowIfNullOrEmpty(datasetName);
        var runs = await ReadRunsAsync(strategy, datasetName, acceptedOnly: true, latestOnly: true, cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? null : (runs[0].RunId, runs[0].Report);
    }

    /// <summary>
    /// Runs the regression gate for every strategy of <paramref name="candidate"/> against its baseline from the
    /// history: the latest accepted run of that strategy on the candidate's dataset. A strategy without an accepted run
    /// gets a passing finding that says so (nothing to regress from).
    /// </summary>
    /// <param name="candidate">The candidate run's report.</param>
    /// <param name="options">The gate's settings; <see langword="null"/> for its defaults.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The verdict over all strategies.</returns>
    public async Task<GateResult> EvaluateGateAsync(ExperimentReport candidate, RegressionGateOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var findings = new List<GateFinding>();
        foreach (var strategy in candidate.Strategies.Select(s => s.Strategy.Name))
        {
            var baseline = await GetLatestAcceptedAsync(strategy, candidate.Dataset.Name, cancellationToken).ConfigureAwait(false);
            if (baseline is not { } found)
            {
                findings.Add(new GateFinding(strategy, null, double.NaN, double.NaN, 0, null, false, $"{strategy}: no accepted run on dataset '{candidate.Dataset.Name}' in the history; nothing to compare with (accept a run to make it the baseline)."));
                continue;
            }

            var verdict = RegressionGate.Evaluate(Only(found.Report, strategy), Only(candidate, strategy), options);
            findings.AddRange(verdict.Findings.Select(f => f with { Message = $"{f.Message} (baseline: run {found.RunId}, '{found.Report.Name}', {found.Report.CompletedAt:u})" }));
        }

        return new GateResult(findings.OrderByDescending(f => f.Failed).ToArray());
    }

    /// <summary>Stores a tuned configuration.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The stored configuration, with its id and time.</returns>
    /// <exception cref="ArgumentException">The settings are not a JSON object.</exception>
    public async Task<TunedConfiguration> SaveTunedConfigurationAsync(TunedConfiguration configuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(configuration.Strategy, "configuration.Strategy");
        ArgumentException.ThrowIfNullOrEmpty(configuration.DatasetName, "configuration.DatasetName");
        try
        {
            using var settings = JsonDocument.Parse(configuration.SettingsJson ?? string.Empty);
            if (settings.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException("TunedConfiguration.SettingsJson must be a JSON object, for example {\"method\": \"ZScore\", \"vectorWeight\": 0.3}.", nameof(configuration));
            }
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"TunedConfiguration.SettingsJson is not valid JSON ({ex.Message}).", nameof(configuration), ex);
        }

        var recordedAt = _timeProvider.GetUtcNow();
        var id = await ReadScalarAsync<long>(
            $"""
            INSERT INTO {_database.Schema}.tuned_configurations (strategy, dataset_name, fingerprint, settings, dev_score, run_id, recorded_at)
            VALUES (@strategy, @dataset, @fingerprint, @settings::jsonb, @score, @run, @at) RETURNING configuration_id
            """,
            cancellationToken,
            ("strategy", configuration.Strategy),
            ("dataset", configuration.DatasetName),
            ("fingerprint", configuration.Fingerprint),
            ("settings", configuration.SettingsJson!),
            ("score", (object?)configuration.DevScore ?? DBNull.Value),
            ("run", (object?)configuration.RunId ?? DBNull.Value),
            ("at", recordedAt)).ConfigureAwait(false);
        return configuration with { ConfigurationId = id, RecordedAt = recordedAt };
    }

    /// <summary>Reads the most recently stored tuned configuration of a strategy on a dataset.</summary>
    /// <param name="strategy">The strategy's name.</param>
    /// <param name="datasetName">The dataset's name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The configuration, or <see langword="null"/> when none was stored.</returns>
    public async Task<TunedConfiguration?> GetLatestTunedConfigurationAsync(string strategy, string datasetName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(strategy);
        ArgumentException.ThrowIfNullOrEmpty(datasetName);
        await _database.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await _database.Retry.ExecuteAsync(
            async (connection, ct) =>
            {
                var command = new NpgsqlCommand(
                    $"""
                    SELECT configuration_id, fingerprint, settings::text, dev_score, run_id, recorded_at FROM {_database.Schema}.tuned_configurations
                    WHERE strategy = @strategy AND dataset_name = @dataset ORDER BY recorded_at DESC, configuration_id DESC LIMIT 1
                    """,
                    connection);
                await using (command.ConfigureAwait(false))
                {
                    command.Parameters.AddWithValue("strategy", strategy);
                    command.Parameters.AddWithValue("dataset", datasetName);
                    var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                        {
                            return null;
                        }

                        return new TunedConfiguration(strategy, datasetName, reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetDouble(3), reader.IsDBNull(4) ? null : reader.GetInt64(4))
                        {
                            ConfigurationId = reader.GetInt64(0),
                            RecordedAt = reader.GetFieldValue<DateTimeOffset>(5),
                        };
                    }
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The report restricted to one strategy (its summary, item scores, errors and comparisons among the rest).</summary>
    private static ExperimentReport Only(ExperimentReport report, string strategy) => new()
    {
        Name = report.Name,
        CompletedAt = report.CompletedAt,
        Dataset = report.Dataset,
        Repeats = report.Repeats,
        Settings = report.Settings,
        Currency = report.Currency,
        Prices = report.Prices,
        Strategies = report.Strategies.Where(s => s.Strategy.Name == strategy).ToArray(),
        Errors = report.Errors.Where(e => e.Strategy == strategy).ToArray(),
        Notes = report.Notes,
        Items = report.Items.Where(i => i.Strategy == strategy).ToArray(),
    };

    private async Task<List<(long RunId, DateTimeOffset? AcceptedAt, ExperimentReport Report)>> ReadRunsAsync(string strategy, string datasetName, bool acceptedOnly, bool latestOnly, CancellationToken cancellationToken)
    {
        await _database.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await _database.Retry.ExecuteAsync(
            async (connection, ct) =>
            {
                var command = new NpgsqlCommand(
                    $"""
                    SELECT r.run_id, r.accepted_at, r.report::text
                    FROM {_database.Schema}.experiment_runs r JOIN {_database.Schema}.experiment_strategies s ON s.run_id = r.run_id
                    WHERE s.strategy = @strategy AND r.dataset_name = @dataset{(acceptedOnly ? " AND r.accepted_at IS NOT NULL" : string.Empty)}
                    ORDER BY r.completed_at {(latestOnly ? "DESC" : "ASC")}, r.run_id {(latestOnly ? "DESC" : "ASC")}{(latestOnly ? " LIMIT 1" : string.Empty)}
                    """,
                    connection);
                await using (command.ConfigureAwait(false))
                {
                    command.Parameters.AddWithValue("strategy", strategy);
                    command.Parameters.AddWithValue("dataset", datasetName);
                    var runs = new List<(long, DateTimeOffset?, ExperimentReport)>();
                    var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(ct).ConfigureAwait(false))
                        {
                            runs.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1), ExperimentReport.FromJson(reader.GetString(2))));
                        }
                    }

                    return runs;
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    private Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters) =>
        RunAsync(sql, (command, ct) => command.ExecuteNonQueryAsync(ct), parameters, cancellationToken);

    private Task<T?> ReadScalarAsync<T>(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters) =>
        RunAsync(sql, async (command, ct) => await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is { } value and not DBNull ? (T?)value : default, parameters, cancellationToken);

    /// <summary>Runs one parameterised command on a pooled connection, with the database's retries.</summary>
    private async Task<T> RunAsync<T>(string sql, Func<NpgsqlCommand, CancellationToken, Task<T>> run, (string Name, object Value)[] parameters, CancellationToken cancellationToken)
    {
        await _database.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await _database.Retry.ExecuteAsync(
            async (connection, ct) =>
            {
                var command = new NpgsqlCommand(sql, connection);
                await using (command.ConfigureAwait(false))
                {
                    foreach (var (name, value) in parameters)
                    {
                        command.Parameters.AddWithValue(name, value);
                    }

                    return await run(command, ct).ConfigureAwait(false);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }
}
