using System.Collections.Concurrent;
using LlmStrategies.Experiments;

namespace TuningSample;

/// <summary>One response cache for the hand-set evaluation, the search and the hold-out run of this process (in memory, so every run of the sample counts its calls from zero).</summary>
internal sealed class InMemoryResponseCache : IResponseCache
{
    private readonly ConcurrentDictionary<string, RecordedResponse> _responses = new(StringComparer.Ordinal);

    public ValueTask<RecordedResponse?> GetAsync(string key, CancellationToken cancellationToken = default) => ValueTask.FromResult(_responses.GetValueOrDefault(key));

    public ValueTask SetAsync(string key, RecordedResponse response, CancellationToken cancellationToken = default)
    {
        _responses[key] = response;
        return ValueTask.CompletedTask;
    }
}
