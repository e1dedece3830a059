namespace LlmStrategies.Cli.Commands;

internal static class TuneCommand
{
    public static Task<int> RunAsync(string configPath, bool jsonOutput, Running.CliConsole console, CancellationToken cancellationToken) =>
        throw new CommandFailure(ExitCodes.ConfigError, "tune is not built yet.");
}
