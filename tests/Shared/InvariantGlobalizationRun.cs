using System.Diagnostics;
using System.Reflection;

namespace LlmStrategies.Testing;

/// <summary>
/// Runs some tests of a test assembly again in a child <c>dotnet test</c> with
/// <c>DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1</c> (the default of Alpine images), where <c>string.Normalize</c> is a
/// no-op, so that text handling can be shown to be the same in both globalization modes.
/// </summary>
internal static class InvariantGlobalizationRun
{
    /// <summary>Set in the child run, so its tests can check that ICU really is off there.</summary>
    public const string ChildRunVariable = "LLMSTRATEGIES_TEST_EXPECT_INVARIANT_GLOBALIZATION";

    /// <summary>Gets whether this process is the child run.</summary>
    public static bool IsChildRun => Environment.GetEnvironmentVariable(ChildRunVariable) == "1";

    /// <summary>Runs the tests of <paramref name="testAssembly"/> matching <paramref name="filter"/> in the child and asserts they all passed.</summary>
    public static void AssertPasses(Assembly testAssembly, string filter, IReadOnlyDictionary<string, string>? environment = null)
    {
        var results = Directory.CreateTempSubdirectory("llmstrategies-invariant-");
        try
        {
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

            start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
            start.Environment[ChildRunVariable] = "1";
            foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            {
                start.Environment[name] = value;
            }

            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var log = output + error.GetAwaiter().GetResult();

            Assert.That(process.ExitCode, Is.Zero, log);
            Assert.That(log, Does.Contain("Failed:     0").And.Not.Contain("Passed:     0"), log);
            TestContext.Out.WriteLine(log);
        }
        finally
        {
            results.Delete(recursive: true);
        }
    }
}
