namespace LlmStrategies.Cli.Running;

/// <summary>Where a command writes: results to <see cref="Out"/>, progress and diagnostics to <see cref="Error"/>; tests pass string writers.</summary>
internal sealed class CliConsole(TextWriter output, TextWriter error, bool isInteractive, TimeProvider timeProvider)
{
    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>Gets a value indicating whether progress may redraw a live bar (the error stream is a terminal).</summary>
    public bool IsInteractive { get; } = isInteractive;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public static CliConsole System() =>
        new(Console.Out, Console.Error, !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is null or "" or "false", TimeProvider.System);
}
