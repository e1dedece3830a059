using System.Diagnostics;
using System.Reflection;

namespace LlmStrategies.Testing;

/// <summary>
/// Runs one test of a test assembly in a child <c>dotnet test</c> process, for tests that need a second process (file
/// locks held across processes). The child test sees <see cref="RoleVariable"/> set and does its part; everywhere else
/// it returns at once. Every wait is bounded, and the child is killed on dispose if it is still running.
/// </summary>
internal sealed class ChildTestProcess : IDisposable
{
    /// <summary>Set in the child, to the role the parent gave it.</summary>
    public const string RoleVariable = "LLMSTRATEGIES_TEST_CHILD_ROLE";

    private readonly Process _process;
    private readonly Task<string> _output;
    private readonly Task<string> _error;
    private readonly DirectoryInfo _results;

    private ChildTestProcess(Process process, DirectoryInfo results)
    {
        _process = process;
        _results = results;
        _output = process.StandardOutput.ReadToEndAsync();
        _error = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Gets the role this process was started with, or <see langword="null"/> in the parent.</summary>
    public static string? Role => Environment.GetEnvironmentVariable(RoleVariable);

    /// <summary>Starts the tests of <paramref name="testAssembly"/> matching <paramref name="filter"/> in a child with the given role and environment.</summary>
    public static ChildTestProcess Start(Assembly testAssembly, string filter, string role, IReadOnlyDictionary<string, string> environment)
    {
        var results = Directory.CreateTempSubdirectory("llmstrategies-child-");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "test", testAssembly.Location, "--results-directory", results.FullName, "--filter", filter })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[RoleVariable] = role;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return new ChildTestProcess(Process.Start(start)!, results);
    }

    /// <summary>Waits (at most <paramref name="timeout"/>) until <paramref name="path"/> exists, failing the test with the child's output otherwise.</summary>
    public async Task WaitForFileAsync(string path, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!File.Exists(path))
        {
            if (_process.HasExited)
            {
                Assert.Fail($"The child process exited before it wrote '{path}':\n{await OutputAsync()}");
            }

            try
            {
                await Task.Delay(50, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"The child process did not write '{path}' within {timeout}:\n{Kill()}");
            }
        }
    }

    /// <summary>Waits (at most <paramref name="timeout"/>) for the child to exit and asserts that its test passed.</summary>
    public async Task AssertPassedAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"The child process did not finish within {timeout}:\n{Kill()}");
        }

        var log = await OutputAsync();
        Assert.That(_process.ExitCode, Is.Zero, log);
        Assert.That(log, Does.Contain("Failed:     0").And.Not.Contain("Passed:     0"), log);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        try
        {
            _results.Delete(recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private async Task<string> OutputAsync() => await _output + await _error;

    private string Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        return _output.IsCompleted && _error.IsCompleted ? _output.Result + _error.Result : "(no output yet)";
    }
}
