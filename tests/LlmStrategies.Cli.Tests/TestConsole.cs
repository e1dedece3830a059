using LlmStrategies.Cli.Running;

namespace LlmStrategies.Cli.Tests;

/// <summary>A console over string writers, for running commands in-process.</summary>
internal sealed class TestConsole
{
    public TestConsole(bool interactive = false, TextWriter? error = null)
    {
        Error = error ?? new StringWriter();
        Console = new CliConsole(Out, Error, interactive, TimeProvider.System);
    }

    public StringWriter Out { get; } = new();

    public TextWriter Error { get; }

    public CliConsole Console { get; }
}

/// <summary>A temporary folder, deleted at dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "llmstrategies-cli-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
