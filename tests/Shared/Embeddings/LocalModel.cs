using LlmStrategies.Embeddings.Local;

namespace LlmStrategies.Tests.TestDoubles;

/// <summary>
/// The real offline embedding model, from $LLMSTRATEGIES_EMBEDDING_MODEL_DIR or &lt;repo&gt;/.models/use-lite (fetched by
/// tools/fetch-embedding-model.sh, which CI and the embedding test project's build run). A missing model fails the
/// test with the fix in the message, as the embedding package's own tests do.
/// </summary>
internal static class LocalModel
{
    private static readonly Lazy<LocalEmbeddingGenerator> Shared = new(() => new LocalEmbeddingGenerator(new LocalEmbeddingOptions
    {
        ModelDirectory = Environment.GetEnvironmentVariable(LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable) is { Length: > 0 } configured
            ? configured
            : Path.Combine(SharedFiles.RepositoryRoot, ".models", "use-lite"),
    }));

    public static LocalEmbeddingGenerator Generator => Shared.Value;
}
