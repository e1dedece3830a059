using System.Net;
using System.Text;
using LlmStrategies.Resilience;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Providers.Tests;

/// <summary>
/// Cancelling a streaming call over real HTTP (loopback): an OpenAI-compatible server sends one chunk and then holds the
/// connection open; cancelling the caller's token after that chunk must end the enumeration and close the connection,
/// with the default resilience recipe and without it.
/// </summary>
public class StreamingCancellationTests
{
    [TestCase(false)]
    [TestCase(true)]
    [CancelAfter(60_000)]
    public async Task CancellingAfterTheFirstChunk_EndsTheStream_AndTheServerSeesTheConnectionClose(bool withResilience, CancellationToken hangGuard)
    {
        await using var server = new HoldingStreamServer();
        using var provider = ChatProviderFactory.Create(new ChatProviderOptions { Provider = ChatProviderKind.OpenAI, Endpoint = server.Endpoint, Model = "m", ApiKey = "k" });
        using var client = withResilience ? provider.AsBuilder().UseResilience(o => o.UseProviderFailures()).Build() : provider;
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(hangGuard);

        var updates = client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "Warranty?")], cancellationToken: caller.Token).GetAsyncEnumerator(hangGuard);
        Assert.That(await updates.MoveNextAsync(), Is.True);
        var first = updates.Current.Text;
        var second = updates.MoveNextAsync().AsTask();
        await server.Holding.WaitAsync(hangGuard);

        await caller.CancelAsync();

        Assert.CatchAsync<OperationCanceledException>(async () => await second);
        await server.ConnectionClosed.WaitAsync(hangGuard);
        await updates.DisposeAsync();
        Assert.That(first, Is.EqualTo("Two "));
    }

    /// <summary>Sends one SSE chunk, then SSE comments (which clients skip) until a write fails because the client closed the connection.</summary>
    private sealed class HoldingStreamServer : IAsyncDisposable
    {
        private readonly HttpListener _listener;
        private readonly Task _serving;
        private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly CancellationTokenSource _stop = new();

        public HoldingStreamServer()
        {
            (_listener, var baseAddress) = LoopbackHttp.Start();
            Endpoint = new Uri(baseAddress, "v1");
            _serving = Task.Run(ServeOneAsync);
        }

        public Uri Endpoint { get; }

        /// <summary>Completes once the first chunk was sent and the server is holding the connection.</summary>
        public Task Holding => _holding.Task;

        /// <summary>Completes when a write to the client fails: the client closed the connection.</summary>
        public Task ConnectionClosed => _closed.Task;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            _listener.Close();
            try
            {
                await _serving;
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException)
            {
            }

            _stop.Dispose();
        }

        private async Task ServeOneAsync()
        {
            var context = await _listener.GetContextAsync();
            using (var reader = new StreamReader(context.Request.InputStream))
            {
                await reader.ReadToEndAsync();
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            context.Response.SendChunked = true;
            var output = context.Response.OutputStream;
            const string Chunk = """data: {"id":"c","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Two "},"finish_reason":null}]}""";
            await output.WriteAsync(Encoding.UTF8.GetBytes(Chunk + "\n\n"));
            await output.FlushAsync();
            _holding.TrySetResult();
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    await Task.Delay(50, _stop.Token);
                    await output.WriteAsync(": still thinking\n\n"u8.ToArray());
                    await output.FlushAsync();
                }
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                _closed.TrySetResult();
            }
        }
    }
}
