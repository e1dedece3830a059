using Microsoft.Extensions.AI;

namespace TuningSample;

/// <summary>Counts the calls that reach the model (what a paid model would bill), whatever the caches above it serve.</summary>
internal sealed class CountingChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    private long _calls;

    public long Calls => Interlocked.Read(ref _calls);

    public void Reset() => Interlocked.Exchange(ref _calls, 0);

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return base.GetResponseAsync(messages, options, cancellationToken);
    }
}
