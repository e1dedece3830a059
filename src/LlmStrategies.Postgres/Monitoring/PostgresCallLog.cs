using System.Globalization;
using System.Text;
using LlmStrategies.Experiments;
using LlmStrategies.Monitoring.Drift;
using LlmStrategies.Monitoring.Logging;
using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;
using Npgsql;

namespace LlmStrategies.Postgres.Monitoring;

/// <summary>
/// The production call log in PostgreSQL: one row per call, with the fields of the JSONL call log (id, time,
/// strategy, fingerprint, outcome, input, output, model, latency, token counts, source chunk ids), the input and output
/// redacted by the same rules (the <see cref="IRedactorProvider"/>'s redactor for
/// <see cref="LlmDataClassifications.PromptContent"/>). Every app instance writes to the same log; backtesting reads
/// it as <see cref="ProductionLogEntry"/> items and drift monitoring as <see cref="DriftObservation"/>s.
/// </summary>
/// <remarks>
/// Each call is one INSERT, durable when <see cref="AppendAsync"/> returns. Ids are the request's id, or (as in the
/// JSONL log) the time and a per-instance sequence number; a reused request id fails with a message saying so instead of
/// overwriting the first call.
/// </remarks>
public sealed class PostgresCallLog
{
    private readonly PostgresDatabase _database;
    private readonly PostgresCallLogOptions _options;
    private readonly Redactor? _redactor;
    private readonly TimeProvider _timeProvider;
    private readonly string _instance = Guid.NewGuid().ToString("N")[..8];
    private long _sequence;

    /// <summary>Creates the log (nothing is sent to the server until the first call).</summary>
    /// <param name="database">The database.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults (log "default", content redacted).</param>
    /// <param name="redactorProvider">Provides the redactor for prompt content; required when redacting (<c>services.AddLlmContentRedaction()</c>).</param>
    /// <param name="timeProvider">The clock for timestamps; <see langword="null"/> for the system clock.</param>
    public PostgresCallLog(PostgresDatabase database, PostgresCallLogOptions? options = null, IRedactorProvider? redactorProvider = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        options ??= new PostgresCallLogOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.LogName, "PostgresCallLogOptions.LogName");
        if (options.RedactContent)
        {
            _redactor = redactorProvider?.GetRedactor(new DataClassificationSet(LlmDataClassifications.PromptContent))
                ?? throw new ArgumentException("The call log redacts inputs and outputs by default and needs an IRedactorProvider (services.AddLlmContentRedaction()); or set PostgresCallLogOptions.RedactContent = false.", nameof(redactorProvider));
        }

        _database = database;
        _options = new PostgresCallLogOptions { LogName = options.LogName, RedactContent = options.RedactContent };
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets the log's name.</summary>
    public string LogName => _options.LogName;

    /// <summary>Appends one call.</summary>
    /// <param name="result">The call's result.</param>
    /// <param name="cancellationToken">Cancels the write before it takes effect.</param>
    /// <returns>A task that completes when the row is committed.</returns>
    /// <exception cref="InvalidOperationException">The log already holds a call with the request's id.</exception>
    public async ValueTask AppendAsync(StrategyResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        var now = _timeProvider.GetUtcNow();
        var id = result.Request.Id ?? string.Create(CultureInfo.InvariantCulture, $"{now:yyyyMMddHHmmssfff}-{_instance}-{Interlocked.Increment(ref _sequence)}");
        await _database.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _database.Retry.ExecuteAsync(
                async (connection, ct) =>
                {
                    var command = new NpgsqlCommand(
                        $"""
                        INSERT INTO {_database.Schema}.call_log (log, id, logged_at, strategy, fingerprint, outcome, input, output, model, latency_ms, input_tokens, cached_input_tokens, output_tokens, sources)
                        VALUES (@log, @id, @at, @strategy, @fingerprint, @outcome, @input, @output, @model, @latency, @inputTokens, @cachedTokens, @outputTokens, @sources)
                        """,
                        connection);
                    await using (command.ConfigureAwait(false))
                    {
                        command.Parameters.AddWithValue("log", LogName);
                        command.Parameters.AddWithValue("id", id);
                        command.Parameters.AddWithValue("at", now);
                        command.Parameters.AddWithValue("strategy", result.StrategyName);
                        command.Parameters.AddWithValue("fingerprint", result.Fingerprint.Value);
                        command.Parameters.AddWithValue("outcome", result.Outcome.ToString());
                        command.Parameters.AddWithValue("input", Content(result.Request.Question));
                        command.Parameters.AddWithValue("output", Content(result.Answer ?? string.Empty));
                        command.Parameters.AddWithValue("model", (object?)result.ModelId ?? DBNull.Value);
                        command.Parameters.AddWithValue("latency", Math.Round(result.Elapsed.TotalMilliseconds, 3));
                        command.Parameters.AddWithValue("inputTokens", (object?)result.Usage.InputTokenCount ?? DBNull.Value);
                        command.Parameters.AddWithValue("cachedTokens", (object?)result.Usage.CachedInputTokenCount ?? DBNull.Value);
                        command.Parameters.AddWithValue("outputTokens", (object?)result.Usage.OutputTokenCount ?? DBNull.Value);
                        command.Parameters.AddWithValue("sources", result.Sources.Select(s => s.ChunkId).ToArray());
                        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new InvalidOperationException($"Call log '{LogName}' already holds a call with id '{id}'; give every request a unique StrategyRequest.Id (or none, and the log numbers the calls).", ex);
        }
    }

    /// <summary>Reads calls as the production log that backtesting replays (<c>Backtest.RunAsync</c>), oldest first.</summary>
    /// <param name="query">Which calls; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entries (their input and output as logged, that is redacted when the log redacts).</returns>
    public async Task<IReadOnlyList<ProductionLogEntry>> ReadForBacktestAsync(CallLogQuery? query = null, CancellationToken cancellationToken = default) =>
        await ReadAsync(query, r => new ProductionLogEntry
        {
            Id = r.GetString(0),
            Input = r.GetString(2),
            Output = r.GetString(3),
            Model = r.IsDBNull(4) ? null : r.GetString(4),
            LatencyMs = r.GetDouble(5),
            InputTokens = r.IsDBNull(6) ? 0 : r.GetInt64(6),
            OutputTokens = r.IsDBNull(7) ? 0 : r.GetInt64(7),
            SourceIds = r.GetFieldValue<string[]>(8),
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>Reads calls as drift observations (input, and whether a filter refused the request), oldest first.</summary>
    /// <param name="query">Which calls; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The observations, to feed <see cref="DriftMonitor.SetReference"/> or <see cref="DriftMonitor.Observe"/>.</returns>
    public async Task<IReadOnlyList<DriftObservation>> ReadForDriftAsync(CallLogQuery? query = null, CancellationToken cancellationToken = default) =>
        await ReadAsync(query, r => new DriftObservation
        {
            Input = r.GetString(2),
            Refused = r.GetString(1) == nameof(StrategyOutcome.Refused),
        }, cancellationToken).ConfigureAwait(false);

    private async Task<IReadOnlyList<T>> ReadAsync<T>(CallLogQuery? query, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        if (query?.Limit is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, "CallLogQuery.Limit must be zero or more.");
        }

        await _database.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        return await _database.Retry.ExecuteAsync(
            async (connection, ct) =>
            {
                var where = new StringBuilder("log = @log");
                var command = new NpgsqlCommand { Connection = connection };
                await using (command.ConfigureAwait(false))
                {
                    command.Parameters.AddWithValue("log", LogName);
                    if (query?.From is { } from)
                    {
                        where.Append(" AND logged_at >= @from");
                        command.Parameters.AddWithValue("from", from);
                    }

                    if (query?.To is { } to)
                    {
                        where.Append(" AND logged_at < @to");
                        command.Parameters.AddWithValue("to", to);
                    }

                    if (query?.Strategy is { } strategy)
                    {
                        where.Append(" AND strategy = @strategy");
                        command.Parameters.AddWithValue("strategy", strategy);
                    }

                    var limit = query?.Limit is { } count ? string.Create(CultureInfo.InvariantCulture, $" LIMIT {count}") : string.Empty;
                    command.CommandText = $"""
                        SELECT id, outcome, input, output, model, latency_ms, input_tokens, output_tokens, sources FROM (
                            SELECT * FROM {_database.Schema}.call_log WHERE {where} ORDER BY logged_at DESC, id DESC{limit}) recent
                        ORDER BY logged_at, id
                        """;
                    var rows = new List<T>();
                    var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(ct).ConfigureAwait(false))
                        {
                            rows.Add(read(reader));
                        }
                    }

                    return (IReadOnlyList<T>)rows;
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    private string Content(string text) => _redactor?.Redact(text) ?? text;
}
