using System.Runtime.CompilerServices;
using System.Text.Json;

namespace LlmStrategies.FineTuning.OpenAI;

/// <summary>A job on an OpenAI-compatible fine-tuning API.</summary>
internal sealed class OpenAIFineTuneJob(FineTuningApiClient client, string id) : IFineTuneJob
{
    public string Id { get; } = id;

    public async Task<FineTuneJobState> GetStateAsync(CancellationToken cancellationToken = default) =>
        FineTuningApiClient.ToState(await client.GetJobAsync(Id, cancellationToken).ConfigureAwait(false));

    public async Task<FineTuneJobState> WaitForCompletionAsync(CancellationToken cancellationToken = default)
    {
        var delay = client.Options.PollInterval;
        var lastStatus = (string?)null;
        while (true)
        {
            var state = await GetStateAsync(cancellationToken).ConfigureAwait(false);
            if (state.IsTerminal)
            {
                return state;
            }

            // Back off while nothing changes; a status change means the job is moving, so look again soon.
            delay = state.ProviderStatus == lastStatus ? Grow(delay) : client.Options.PollInterval;
            lastStatus = state.ProviderStatus;
            await Task.Delay(delay, client.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    public async IAsyncEnumerable<FineTuneJobEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var delay = client.Options.PollInterval;
        while (true)
        {
            // The state first, then the events: events the job logs on finishing are read before the loop ends.
            var state = await GetStateAsync(cancellationToken).ConfigureAwait(false);
            var fresh = await NewEventsAsync(seen, cancellationToken).ConfigureAwait(false);
            foreach (var item in fresh)
            {
                yield return item;
            }

            if (state.IsTerminal)
            {
                yield break;
            }

            delay = fresh.Count > 0 ? client.Options.PollInterval : Grow(delay);
            await Task.Delay(delay, client.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<FineTuneJobState> CancelAsync(CancellationToken cancellationToken = default) =>
        FineTuningApiClient.ToState(await client.CancelJobAsync(Id, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// The events not seen yet, oldest first. The API lists events newest first and pages backwards in time with
    /// <c>after</c>, so pages are read until an event already seen (or the oldest) is reached.
    /// </summary>
    private async Task<List<FineTuneJobEvent>> NewEventsAsync(HashSet<string> seen, CancellationToken cancellationToken)
    {
        var fresh = new List<FineTuneJobEvent>();
        string? after = null;
        while (true)
        {
            var page = await client.ListEventsAsync(Id, after, cancellationToken).ConfigureAwait(false);
            var data = page.Data ?? [];
            var reachedSeen = false;
            foreach (var item in data)
            {
                if (item.Id is not null && !seen.Add(item.Id))
                {
                    reachedSeen = true;
                    break;
                }

                fresh.Add(ToEvent(item));
            }

            if (reachedSeen || !page.HasMore || data.Count == 0 || data[^1].Id is null)
            {
                break;
            }

            after = data[^1].Id;
        }

        fresh.Reverse();
        return fresh;
    }

    private TimeSpan Grow(TimeSpan delay)
    {
        var grown = TimeSpan.FromTicks((long)(delay.Ticks * client.Options.PollBackoffFactor));
        return grown > client.Options.MaxPollInterval ? client.Options.MaxPollInterval : grown;
    }

    private static FineTuneJobEvent ToEvent(EventObject item)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        if (item.Data is { ValueKind: JsonValueKind.Object } data)
        {
            foreach (var property in data.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetDouble(out var value))
                {
                    metrics[property.Name] = value;
                }
            }
        }

        return new FineTuneJobEvent
        {
            Id = item.Id,
            Timestamp = DateTimeOffset.FromUnixTimeSeconds(item.CreatedAt),
            Message = item.Message ?? string.Empty,
            Level = item.Level ?? "info",
            Metrics = metrics,
        };
    }
}
