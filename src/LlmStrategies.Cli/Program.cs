using System.Runtime.InteropServices;
using LlmStrategies.Cli.Commands;
using LlmStrategies.Cli.Running;

namespace LlmStrategies.Cli;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        // Ctrl-C / SIGTERM: cancel the run cleanly (finished responses stay in the cache, so a rerun resumes) and exit
        // 130; a second Ctrl-C ends the process at once.
        using var cancellation = new CancellationTokenSource();
        void Cancel(PosixSignalContext context)
        {
            if (!cancellation.IsCancellationRequested)
            {
                context.Cancel = true;
                Console.Error.WriteLine();
                Console.Error.WriteLine("Stopping after the calls in flight (Ctrl-C again to stop at once)...");
                cancellation.Cancel();
            }
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        return await CliApp.RunAsync(args, CliConsole.System(), cancellation.Token).ConfigureAwait(false);
    }
}
