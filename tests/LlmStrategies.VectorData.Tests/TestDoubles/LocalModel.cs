using LlmStrategies.Embeddings.Local;

namespace LlmStrategies.VectorData.Tests.TestDoubles;

/// <summary>
/// The real offline embedding model (512-d), from $LLMSTRATEGIES_EMBEDDING_MODEL_DIR or &lt;repo&gt;/.models/use-lite (fetched by
/// tools/fetch-embedding-model.sh, which this project's build runs). A missing model fails the test with the fix in the message.
/// </summary>
internal static class LocalModel
{
    private static readonly Lazy<LocalEmbeddingGenerator> Shared = new(() => new LocalEmbeddingGenerator(new LocalEmbeddingOptions
    {
        ModelDirectory = Environment.GetEnvironmentVariable(LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable) is { Length: > 0 } configured
            ? configured
            : Path.Combine(RepositoryRoot, ".models", "use-lite"),
    }));

    public static LocalEmbeddingGenerator Generator => Shared.Value;

    private static string RepositoryRoot
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
}
