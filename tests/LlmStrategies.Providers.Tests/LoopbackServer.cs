using System.Net;
using System.Text;

namespace LlmStrategies.Providers.Tests;

/// <summary>A tiny HTTP server on 127.0.0.1 that answers each request with a callback and records what it received.</summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly Func<RecordedRequest, (int Status, string ContentType, string Body)> _handler;
    private readonly IReadOnlyDictionary<string, string>? _headers;

    public LoopbackServer(Func<RecordedRequest, (int Status, string ContentType, string Body)> handler, IReadOnlyDictionary<string, string>? headers = null)
    {
        _handler = handler;
        _headers = headers;
        (_listener, var baseAddress) = LoopbackHttp.Start();
        BaseAddress = baseAddress;

        _loop = Task.Run(ServeAsync);
    }

    public Uri BaseAddress { get; }

    public List<RecordedRequest> Requests { get; } = [];

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var request = new RecordedRequest(
                context.Request.HttpMethod,
                context.Request.Url!.AbsolutePath,
                context.Request.Headers["Authorization"],
                await reader.ReadToEndAsync());
            lock (Requests)
            {
                Requests.Add(request);
            }

            var (status, contentType, body) = _handler(request);
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            foreach (var (name, value) in _headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop.ConfigureAwait(false);
    }
}

internal sealed record RecordedRequest(string Method, string Path, string? Authorization, string Body);
