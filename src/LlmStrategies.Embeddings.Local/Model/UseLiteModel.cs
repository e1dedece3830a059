using System.Runtime.Intrinsics;
using LlmStrategies.Embeddings.Local.Tokenization;

namespace LlmStrategies.Embeddings.Local.Model;

/// <summary>
/// Tokenizer + encoder loaded from a verified model directory, with the chunking that turns any number
/// of texts into bounded encoder batches. Immutable and thread-safe; per-thread state is in the workspace.
/// </summary>
internal sealed class UseLiteModel
{
    /// <summary>Tokens encoded together at most; bounds workspace memory (about 7.5 MiB) and keeps activations in cache.</summary>
    public const int ChunkTokens = 512;

    /// <summary>Sentences encoded together at most (empty sentences use no tokens).</summary>
    public const int ChunkSentences = 256;

    public UseLiteModel(SentencePieceTokenizer tokenizer, UseLiteEncoder encoder)
    {
        Tokenizer = tokenizer;
        Encoder = encoder;
        if (tokenizer.VocabularySize > encoder.VocabularyRows)
        {
            throw new InvalidDataException($"The vocabulary has {tokenizer.VocabularySize} pieces but the embedding table only {encoder.VocabularyRows} rows.");
        }
    }

    public SentencePieceTokenizer Tokenizer { get; }

    public UseLiteEncoder Encoder { get; }

    /// <summary>Loads and verifies the model files in <paramref name="directory"/>.</summary>
    public static UseLiteModel Load(string directory, string source, bool? useVector512 = null)
    {
        var files = ModelFiles.ReadVerified(directory, source);
        var graphPath = Path.Combine(directory, ModelFiles.GraphFile);
        var weights = new GraphWeights(
            files[ModelFiles.GraphFile],
            shard => files.TryGetValue(shard, out var bytes)
                ? bytes
                : throw new LocalEmbeddingModelException(directory, $"model.json in '{directory}' names an unexpected weight shard '{shard}'."),
            graphPath);
        var vocabulary = SentencePieceTokenizer.ParseVocabulary(files[ModelFiles.VocabularyFile], Path.Combine(directory, ModelFiles.VocabularyFile));
        return new UseLiteModel(
            new SentencePieceTokenizer(vocabulary),
            new UseLiteEncoder(weights, useVector512 ?? Vector512.IsHardwareAccelerated));
    }

    public EncoderWorkspace CreateWorkspace() => new(ChunkTokens, ChunkSentences, Encoder.MaxTokens);

    /// <summary>
    /// Embeds <paramref name="texts"/> into <paramref name="destination"/> (512 floats per text, in order),
    /// tokenising and encoding chunk by chunk with one workspace. Returns the number of tokens encoded.
    /// </summary>
    public long Embed(ReadOnlySpan<string> texts, Span<float> destination, EncoderWorkspace workspace, CancellationToken cancellationToken)
    {
        const int width = UseLiteEncoder.OutputWidth;
        long totalTokens = 0;
        var chunkStart = 0;
        var chunkSentences = 0;
        var chunkTokens = 0;
        for (var i = 0; i < texts.Length; i++)
        {
            var count = Tokenizer.Encode(texts[i], workspace.Tokenizer);
            count = Math.Min(count, Encoder.MaxTokens);
            if (chunkSentences == workspace.MaxSentences || chunkTokens + count > workspace.MaxTokens)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Encoder.Encode(workspace.ChunkTokens.AsSpan(0, chunkTokens), workspace.ChunkLengths.AsSpan(0, chunkSentences), destination.Slice(chunkStart * width, chunkSentences * width), workspace);
                chunkStart = i;
                chunkSentences = 0;
                chunkTokens = 0;
            }

            workspace.Tokenizer.Tokens.AsSpan(0, count).CopyTo(workspace.ChunkTokens.AsSpan(chunkTokens));
            workspace.ChunkLengths[chunkSentences++] = count;
            chunkTokens += count;
            totalTokens += count;
        }

        if (chunkSentences > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Encoder.Encode(workspace.ChunkTokens.AsSpan(0, chunkTokens), workspace.ChunkLengths.AsSpan(0, chunkSentences), destination.Slice(chunkStart * width, chunkSentences * width), workspace);
        }

        return totalTokens;
    }
}
