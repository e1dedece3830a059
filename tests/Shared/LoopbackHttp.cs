using System.Net;
using System.Net.Sockets;

namespace LlmStrategies.Testing;

/// <summary>Starts <see cref="HttpListener"/>s on a free 127.0.0.1 port for the loopback protocol tests (never another interface).</summary>
internal static class LoopbackHttp
{
    /// <summary>Takes a free port from the OS and listens on it, retrying if another process grabbed it in between.</summary>
    /// <returns>The started listener and its base address (<c>http://127.0.0.1:port/</c>).</returns>
    public static (HttpListener Listener, Uri BaseAddress) Start()
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return (listener, new Uri($"http://127.0.0.1:{port}/"));
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }
}
