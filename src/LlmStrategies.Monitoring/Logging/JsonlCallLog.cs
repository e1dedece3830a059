using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;

namespace LlmStrategies.Monitoring.Logging;

/// <summary>
/// Appends one JSON line per call — the production log that backtesting replays through a candidate strategy
/// (<c>LlmStrategies.Experiments.ProductionLog</c>): <c>id</c>, <c>input</c>, <c>output</c>, <c>model</c>,
/// <c>latencyMs</c>, <c>inputTokens</c>, <c>outputTokens</c>, <c>sources</c>, plus <c>timestamp</c>, <c>strategy</c>,
/// <c>fingerprint</c>, <c>outcome</c> and <c>cachedInputTokens</c>. Input and output text are redacted through the
/// <see cref="IRedactorProvider"/> unless <see cref="JsonlCallLogOptions.RedactContent"/> is turned off.
/// </summary>
/// <remarks>
/// Each record is written whole and flushed before <see cref="AppendAsync"/> returns; appends are serialised, so lines
/// never interleave. A crash can at worst leave a torn last line, which the log loader skips and reports. A write that
/// fails (a full disk) throws from <see cref="AppendAsync"/> and is cut back off the file, so the next record starts on
/// a line of its own; nothing stays buffered, so <see cref="DisposeAsync"/> has nothing left to write and does not
/// fail because of it. <c>MonitoredStrategy</c> counts such failures and keeps serving.
/// </remarks>
public sealed class JsonlCallLog : IAsyncDisposable
{
    private readonly FileStream _file;
    private readonly Redactor? _redactor;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _sequence;
    private bool _lineOpen;

    /// <summary>Opens (or creates) the log for appending.</summary>
    /// <param name="path">The JSONL file.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults (content redacted).</param>
    /// <param name="redactorProvider">Provides the redactor for <see cref="LlmDataClassifications.PromptContent"/>; required when redacting.</param>
    /// <param name="timeProvider">The clock for timestamps; <see langword="null"/> for the system clock.</param>
    public JsonlCallLog(string path, JsonlCallLogOptions? options = null, IRedactorProvider? redactorProvider = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new JsonlCallLogOptions();
        if (options.RedactContent)
        {
            _redactor = redactorProvider?.GetRedactor(new DataClassificationSet(LlmDataClassifications.PromptContent))
                ?? throw new ArgumentException("The call log redacts inputs and outputs by default and needs an IRedactorProvider (services.AddLlmContentRedaction()); or set JsonlCallLogOptions.RedactContent = false.", nameof(redactorProvider));
        }

        _timeProvider = timeProvider ?? TimeProvider.System;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
        // Unbuffered (every record is one write) and not in Append mode, so a failed write can be cut back off the file.
        _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous);
        if (_file.CanSeek)
        {
            _file.Seek(0, SeekOrigin.End);
        }
    }

    /// <summary>Appends one call.</summary>
    /// <param name="result">The call's result.</param>
    /// <param name="cancellationToken">Cancels waiting for the file (not a write in progress).</param>
    /// <returns>A task that completes when the line is written and flushed.</returns>
    public async ValueTask AppendAsync(StrategyResult result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        var now = _timeProvider.GetUtcNow();
        var id = result.Request.Id ?? string.Create(CultureInfo.InvariantCulture, $"{now:yyyyMMddHHmmssfff}-{Interlocked.Increment(ref _sequence)}");
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WriteString("timestamp", now);
            json.WriteString("strategy", result.StrategyName);
            json.WriteString("fingerprint", result.Fingerprint.Value);
            json.WriteString("outcome", result.Outcome.ToString());
            json.WriteString("input", Content(result.Request.Question));
            json.WriteString("output", Content(result.Answer ?? string.Empty));
            if (result.ModelId is { } model)
            {
                json.WriteString("model", model);
            }

            json.WriteNumber("latencyMs", Math.Round(result.Elapsed.TotalMilliseconds, 3));
            WriteOptional(json, "inputTokens", result.Usage.InputTokenCount);
            WriteOptional(json, "cachedInputTokens", result.Usage.CachedInputTokenCount);
            WriteOptional(json, "outputTokens", result.Usage.OutputTokenCount);
            json.WriteStartArray("sources");
            foreach (var source in result.Sources)
            {
                json.WriteStringValue(source.ChunkId);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await WriteRecordAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length)).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private async Task WriteRecordAsync(ReadOnlyMemory<byte> line)
    {
        if (_lineOpen)
        {
            // An earlier failed write left bytes that could not be cut off: end that fragment's line first.
            await _file.WriteAsync("\n"u8.ToArray(), CancellationToken.None).ConfigureAwait(false);
            _lineOpen = false;
        }

        var start = _file.CanSeek ? _file.Position : -1;
        try
        {
            await _file.WriteAsync(line, CancellationToken.None).ConfigureAwait(false);
            await _file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException)
        {
            try
            {
                if (start < 0)
                {
                    throw new IOException("The call log cannot be cut back: it is not a seekable file.");
                }

                _file.SetLength(start);
                _file.Seek(start, SeekOrigin.Begin);
            }
            catch (IOException)
            {
                _lineOpen = true;
            }

            throw;
        }
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
    }

    private string Content(string text) => _redactor?.Redact(text) ?? text;
}
