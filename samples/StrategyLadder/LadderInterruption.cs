using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace StrategyLadder;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM for the sample. The first signal stops the experiment from starting new calls and cancels
/// the calls in flight (their cancellation reaches the HTTP connection); the runs finished so far are already in the
/// checkpoint, each flushed to disk as it finished. The sample then exits with <see cref="ExitCodes.Interrupted"/> (SIGINT)
/// or <see cref="ExitCodes.Terminated"/> (SIGTERM) and says how to resume. A phase that cannot be cancelled (loading
/// data, training the adapter) does not hold the process: after <see cref="Grace"/> it exits all the same, with the same
/// message and code. A second signal exits at once.
/// </summary>
internal sealed class LadderInterruption : IDisposable
{
    /// <summary>How long the sample may take to wind down after the first signal before it exits regardless.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(1.5);

    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private readonly string _checkpointPath;
    private readonly Lock _gate = new();
    private int? _exitCode;
    private bool _reported;

    private LadderInterruption(string checkpointPath)
    {
        _checkpointPath = checkpointPath;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];
    }

    /// <summary>Gets the token that is cancelled by the first signal.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Gets whether a signal has arrived.</summary>
    public bool IsRequested => _stop.IsCancellationRequested;

    /// <summary>
    /// Replaces the host's console lifetime, which swallows Ctrl-C and SIGTERM to stop the host (and, on SIGTERM, holds the
    /// process for up to 30 s) without ever stopping this sample's work; the sample handles the signals itself.
    /// </summary>
    public static IServiceCollection ReplaceHostLifetime(IServiceCollection services) =>
        services.AddSingleton<IHostLifetime, WorkLifetime>();

    /// <summary>Starts listening for SIGINT and SIGTERM.</summary>
    /// <param name="checkpointPath">The checkpoint the resume message points at.</param>
    public static LadderInterruption Listen(string checkpointPath) => new(checkpointPath);

    /// <summary>Reports the interruption (once) and returns the exit code for it.</summary>
    public int Report()
    {
        lock (_gate)
        {
            if (!_reported)
            {
                _reported = true;
                var finished = File.Exists(_checkpointPath) ? Math.Max(0, File.ReadLines(_checkpointPath).Count() - 1) : 0;
                Console.Out.Flush();
                Console.Error.WriteLine($"Interrupted: {finished} finished run(s) are in the checkpoint '{_checkpointPath}'. Run the same command again to resume from there (a changed configuration starts afresh).");
                Console.Error.Flush();
            }

            return _exitCode ?? ExitCodes.Interrupted;
        }
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true; // this handler decides when the process ends
        var code = context.Signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;
        lock (_gate)
        {
            if (_exitCode is not null)
            {
                Environment.Exit(Report()); // a second signal: leave now
            }

            _exitCode = code;
        }

        Console.Error.WriteLine($"{(code == ExitCodes.Terminated ? "SIGTERM" : "Ctrl-C")}: stopping; no new calls, cancelling the calls in flight (again to quit at once).");
        _stop.Cancel();
        _ = Task.Run(async () =>
        {
            await Task.Delay(Grace).ConfigureAwait(false);
            Environment.Exit(Report()); // still busy in a phase that cannot be cancelled
        });
    }

    /// <summary>A host lifetime that leaves signals alone (the host only validates settings and builds the chat client).</summary>
    private sealed class WorkLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
