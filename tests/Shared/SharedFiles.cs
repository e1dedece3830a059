namespace LlmStrategies.Tests.TestDoubles;

/// <summary>Finds the read-only material in <c>../shared</c> beside the repository; tests skip when it is absent.</summary>
internal static class SharedFiles
{
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LlmStrategies.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException($"LlmStrategies.sln not found above {AppContext.BaseDirectory}; run the tests from the repository.");
        }
    }

    /// <summary>Returns the path of a file under ../shared, or skips the test (Assert.Ignore) with a message naming it.</summary>
    public static string RequireFile(string relativePath)
    {
        var path = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", relativePath));
        if (!File.Exists(path))
        {
            Assert.Ignore($"Skipped: {path} is absent. This test needs the shared material beside the repository (../shared/{relativePath}).");
        }

        return path;
    }
}
