using LlmStrategies.Benchmarks.Retrieval;
using LlmStrategies.Embeddings.Local;

namespace LlmStrategies.Benchmarks.FewShot;

/// <summary>Finds the local embedding model: $LLMSTRATEGIES_EMBEDDING_MODEL_DIR, else &lt;repo&gt;/.models/use-lite.</summary>
internal static class BenchmarkModel
{
    public static string Directory()
    {
        var configured = Environment.GetEnvironmentVariable(LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable);
        return !string.IsNullOrEmpty(configured) ? configured : Path.Combine(SquadRetrievalSet.RepositoryRoot(), ".models", "use-lite");
    }
}
