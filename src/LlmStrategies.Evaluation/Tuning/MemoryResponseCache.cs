using System.Collections.Concurrent;
using LlmStrategies.Experiments;

namespace LlmStrategies.Tuning;

/// <summary>A response cache in memory: what a tuner uses when it is given none, so that no (configuration, item) runs twice within a search.</summary>
internal sealed class MemoryResponseCache : IResponseCache
{
    private readonly ConcurrentDictionary<string, RecordedResponse> _responses = new(StringComparer.Ordinal);

    public ValueTask<RecordedResponse?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_responses.GetValueOrDefault(key));

    public ValueTask SetAsync(string key, RecordedResponse response, CancellationToken cancellationToken = default)
    {
        _responses[key] = response;
        return ValueTask.CompletedTask;
    }
}
