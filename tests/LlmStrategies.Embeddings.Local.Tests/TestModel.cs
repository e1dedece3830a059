using LlmStrategies.Embeddings.Local.Model;

namespace LlmStrategies.Embeddings.Local.Tests;

/// <summary>
/// The real model, loaded once for the whole test run. The build of this project fetches it with
/// tools/fetch-embedding-model.sh (npm), which the other test projects of the solution rely on; when that could not
/// run (no npm), loading installs it through the library's own downloader (<see cref="ModelPackageInstaller"/>, the
/// code path users get). When it cannot be had, the tests that need it FAIL with the message naming the folder, the
/// URL and the fix; they are not skipped.
/// </summary>
internal static class TestModel
{
    private static readonly Lazy<UseLiteModel> s_vector512 = new(() => Load(useVector512: null));
    private static readonly Lazy<UseLiteModel> s_portable = new(() => Load(useVector512: false));

    public static string RepositoryRoot
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "LlmStrategies.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException($"No LlmStrategies.sln above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>$LLMSTRATEGIES_EMBEDDING_MODEL_DIR if set, else &lt;repo&gt;/.models/use-lite (where the build fetches it).</summary>
    public static string Directory =>
        Environment.GetEnvironmentVariable(LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : Path.Combine(RepositoryRoot, ".models", "use-lite");

    /// <summary>The model with the kernels this machine supports best.</summary>
    public static UseLiteModel Model => s_vector512.Value;

    /// <summary>The model forced onto the portable (non-AVX-512) kernels.</summary>
    public static UseLiteModel PortableModel => s_portable.Value;

    public static LocalEmbeddingGenerator CreateGenerator(int maxDegreeOfParallelism = 1) => new(Model, maxDegreeOfParallelism);

    private static UseLiteModel Load(bool? useVector512)
    {
        ModelPackageInstaller.InstallIfMissing(Directory, new LocalEmbeddingOptions());
        return UseLiteModel.Load(Directory, "the test model folder", useVector512);
    }
}
