using System.Net;
using System.Text;

namespace StrategyLadder.Tests;

/// <summary>
/// An OpenAI-compatible chat-completions server on 127.0.0.1 whose answer to the n-th request (0-based) is a callback:
/// a status (with optional Retry-After), or <see langword="null"/> to never answer (a hung server).
/// </summary>
internal sealed class ChatCompletionsServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly Func<int, (int Status, int? RetryAfterSeconds)?> _answer;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _requests;

    public ChatCompletionsServer(Func<int, (int Status, int? RetryAfterSeconds)?> answer)
    {
        _answer = answer;
        (_listener, var baseAddress) = LoopbackHttp.Start();
        Endpoint = new Uri(baseAddress, "v1");
        _loop = Task.Run(ServeAsync);
    }

    public Uri Endpoint { get; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Completes when the first request has arrived.</summary>
    public Task FirstRequest => _firstRequest.Task;

    public async ValueTask DisposeAsync()
    {
        _stopped.TrySetResult();
        _listener.Stop();
        _listener.Close();
        await _loop;
    }

    private async Task ServeAsync()
    {
        var handlers = new List<Task>();
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                break; // stopped
            }

            handlers.Add(Task.Run(() => AnswerAsync(context, Interlocked.Increment(ref _requests) - 1)));
            _firstRequest.TrySetResult();
        }

        await Task.WhenAll(handlers);
    }

    private async Task AnswerAsync(HttpListenerContext context, int index)
    {
        try
        {
            using (var reader = new StreamReader(context.Request.InputStream))
            {
                await reader.ReadToEndAsync();
            }

            if (_answer(index) is not { } answer)
            {
                await _stopped.Task; // never answers while the test runs
                context.Response.Abort();
                return;
            }

            var body = answer.Status == 200
                ? """{"id":"c","object":"chat.completion","created":1700000000,"model":"test-model","choices":[{"index":0,"message":{"role":"assistant","content":"It is covered for two years [1]."},"finish_reason":"stop"}],"usage":{"prompt_tokens":40,"completion_tokens":8,"total_tokens":48}}"""
                : """{"error":{"message":"slow down","type":"rate_limit"}}""";
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = "application/json";
            if (answer.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or IOException)
        {
            // the client went away
        }
    }
}
