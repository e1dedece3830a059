using LlmStrategies.Embeddings.Local;

namespace LlmStrategies.Benchmarks.Embeddings;

/// <summary>
/// The shared benchmark input (Embeddings/benchmark-sentences.txt, also read by the Node reference script)
/// and the arithmetic the encoder performs on it, for the sentences/s and GFLOP/s columns.
/// </summary>
internal static class EmbeddingWorkload
{
    // Dense layers per token: layer 0 qkv 256x768, [ctx|x0] 512x512, FFN 512x1536 + 1536x512;
    // layer 1 qkv 512x1536, output 512x512, FFN 512x1536 + 1536x512.
    public const long DenseMultiplyAddsPerToken = (256L * 768) + (512L * 512) + (2L * 512 * 1536) + (512L * 1536) + (512L * 512) + (2L * 512 * 1536);

    private static readonly Lazy<string[]> s_sentences = new(() => File.ReadAllLines(Path.Combine(RepositoryRoot, "benchmarks", "LlmStrategies.Benchmarks", "Embeddings", "benchmark-sentences.txt"))
        .Where(line => line.Length > 0).ToArray());

    private static readonly Lazy<int[]> s_tokenCounts = new(() =>
    {
        using var generator = CreateGenerator(1);
        return s_sentences.Value.Select(sentence => (int)generator.GenerateAsync([sentence]).GetAwaiter().GetResult().Usage!.InputTokenCount!.Value).ToArray();
    });

    public static string[] Sentences => s_sentences.Value;

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

    public static LocalEmbeddingGenerator CreateGenerator(int threads) => new(new LocalEmbeddingOptions
    {
        ModelDirectory = Environment.GetEnvironmentVariable(LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable) is { Length: > 0 } directory
            ? directory
            : Path.Combine(RepositoryRoot, ".models", "use-lite"),
        MaxDegreeOfParallelism = threads,
    });

    public static int Tokens(int sentences) => s_tokenCounts.Value.Take(sentences).Sum();

    /// <summary>Floating-point operations (2 per multiply-add) of one forward pass over the first <paramref name="sentences"/> sentences.</summary>
    public static double Flops(int sentences)
    {
        double multiplyAdds = 0;
        foreach (var tokens in s_tokenCounts.Value.Take(sentences))
        {
            // Dense layers, attention scores + weighted values in both layers (widths 256 and 512), final 512x512 dense.
            multiplyAdds += (tokens * (double)DenseMultiplyAddsPerToken) + (2.0 * tokens * tokens * (256 + 512)) + (512 * 512);
        }

        return 2 * multiplyAdds;
    }
}
