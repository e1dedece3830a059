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

    /// <summary>
    /// Streams through <paramref name="client"/> (a client built on this one), cancels the caller's token after the first
    /// update while this model stalls, and asserts that the pending read ends with a cancellation, that the cancellation
    /// reached this stream, and that this stream was disposed. <paramref name="hangGuard"/> only stops a hung test.
    /// </summary>
    public async Task AssertCancellingAfterTheFirstUpdateEndsTheStreamAsync(IChatClient client, IEnumerable<ChatMessage> messages, CancellationToken hangGuard)
    {
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(hangGuard);
        var updates = client.GetStreamingResponseAsync(messages, cancellationToken: caller.Token).GetAsyncEnumerator(hangGuard);
        Assert.That(await updates.MoveNextAsync(), Is.True);
        var next = updates.MoveNextAsync().AsTask();
        await Holding.WaitAsync(hangGuard);

        await caller.CancelAsync();

        Assert.CatchAsync<OperationCanceledException>(async () => await next);
        await Cancelled.WaitAsync(hangGuard);
        await updates.DisposeAsync();
        await Ended.WaitAsync(hangGuard);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
