namespace LlmStrategies.Cli.Commands;

/// <summary>A failure a command reports as one message and an exit code (no stack trace: the message says what to do).</summary>
internal sealed class CommandFailure : Exception
{
    public CommandFailure()
    {
    }

    public CommandFailure(string message)
        : base(message)
    {
    }

    public CommandFailure(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CommandFailure(int exitCode, string message)
        : base(message) => ExitCode = exitCode;

    public int ExitCode { get; } = ExitCodes.RuntimeError;
}
