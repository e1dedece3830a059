namespace FineTuningSample;

internal static class Repository
{
    /// <summary>The folder holding LlmStrategies.sln above the running program, or null when run elsewhere.</summary>
    public static string? FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlmStrategies.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
