using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Tests.TestDoubles;

/// <summary>
/// A streaming chat client that yields one update and then waits for the next one until its token is cancelled, as a
/// model that has started answering and then stalls; it records whether that token was cancelled and the stream disposed.
/// </summary>
internal sealed class HoldingStreamChatClient : IChatClient
{
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets a task that completes when the first update was yielded and the stream waits.</summary>
    public Task Holding => _holding.Task;

    /// <summary>Gets a task that completes when the token the stream runs on was cancelled.</summary>
    public Task Cancelled => _cancelled.Task;

    /// <summary>Gets a task that completes when the stream's enumerator was disposed.</summary>
    public Task Ended => _ended.Task;

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("Streaming only.");

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var registration = cancellationToken.Register(() => _cancelled.TrySetResult());
        try
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, "first ");
            _holding.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            yield return new ChatResponseUpdate(ChatRole.Assistant, "never");
        }
        finally
        {
            _ended.TrySetResult();
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
