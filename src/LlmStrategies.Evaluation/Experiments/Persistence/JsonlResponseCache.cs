using System.Collections.Concurrent;
using System.Text.Json.Serialization;

namespace LlmStrategies.Experiments;

/// <summary>
/// A response cache in one append-only JSONL file (loaded into memory when opened; every new response is appended and
/// flushed). Safe for concurrent use within one process.
/// </summary>
public sealed class JsonlResponseCache : IResponseCache, IDisposable
{
    /// <summary>The schema name in the file's header.</summary>
    public const string Schema = "llmstrategies.response-cache";

    private readonly JsonlJournal<Entry> _journal;
    private readonly ConcurrentDictionary<string, RecordedResponse> _entries = new(StringComparer.Ordinal);

    /// <summary>Opens (or creates) a cache file.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="ExperimentFileException">The file is not a response cache of this version, or a complete line is corrupt.</exception>
    public JsonlResponseCache(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _journal = JsonlJournal<Entry>.Open(path, Schema, 1, "any", ExperimentJsonContext.Default.Entry, "response cache");
        foreach (var entry in _journal.Records)
        {
            _entries[entry.Key] = entry.Response;
        }
    }

    /// <summary>Gets how many responses the cache holds.</summary>
    public int Count => _entries.Count;

    /// <summary>Gets what was repaired when the file was opened (a torn last line).</summary>
    public IReadOnlyList<string> Notes => _journal.Notes;

    /// <inheritdoc/>
    public ValueTask<RecordedResponse?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ValueTask.FromResult(_entries.TryGetValue(key, out var response) ? response : null);
    }

    /// <inheritdoc/>
    public ValueTask SetAsync(string key, RecordedResponse response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(response);
        if (_entries.TryAdd(key, response))
        {
            _journal.Append(new Entry { Key = key, Response = response });
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public void Dispose() => _journal.Dispose();

    internal sealed class Entry
    {
        [JsonPropertyName("key")]
        public required string Key { get; init; }

        [JsonPropertyName("response")]
        public required RecordedResponse Response { get; init; }
    }
}
