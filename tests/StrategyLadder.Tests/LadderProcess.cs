using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

namespace StrategyLadder.Tests;

/// <summary>The main sample running as a child process in a folder of its own, with no local embedding model (so no vector rungs) and its output captured.</summary>
internal sealed partial class LadderProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LadderProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Gets the sample's assembly: the one built with this project, or STRATEGY_LADDER_ASSEMBLY (to run these tests against another build, for example the one before a fix).</summary>
    public static string AssemblyPath =>
        Environment.GetEnvironmentVariable("STRATEGY_LADDER_ASSEMBLY") is { Length: > 0 } other ? other
        : typeof(LadderProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "StrategyLadderAssembly").Value!;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public int Id => _process.Id;

    public static LadderProcess Start(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.GetFullPath(AssemblyPath));
        foreach (var argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        // No embedding model anywhere: the vector rungs are skipped, so a run is quick and needs no download.
        var noModel = Directory.CreateDirectory(Path.Combine(workingDirectory, "no-model")).FullName;
        start.Environment["LLMSTRATEGIES_EMBEDDING_MODEL_DIR"] = noModel;
        start.Environment["LLMSTRATEGIES_EMBEDDING_MODEL_AUTO_DOWNLOAD"] = "0";
        start.Environment["XDG_DATA_HOME"] = noModel;
        start.Environment["OPENAI_API_KEY"] = null;
        return new LadderProcess(Process.Start(start)!);
    }

    /// <summary>Waits for the exit (the caller's [CancelAfter] bounds it) and returns the exit code.</summary>
    public async Task<int> ExitCodeAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Sends a POSIX signal (SIGINT = 2, SIGTERM = 15) to the child.</summary>
    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
