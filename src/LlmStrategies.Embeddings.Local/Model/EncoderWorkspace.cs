using LlmStrategies.Embeddings.Local.Model.Kernels;
using LlmStrategies.Embeddings.Local.Tokenization;

namespace LlmStrategies.Embeddings.Local.Model;

/// <summary>
/// All scratch memory one thread needs to tokenise and encode a chunk of sentences; rented from a pool per
/// call so steady-state embedding allocates nothing per token or per sentence.
/// </summary>
internal sealed class EncoderWorkspace
{
    public EncoderWorkspace(int maxTokens, int maxSentences, int maxTokensPerSentence)
    {
        MaxTokens = maxTokens;
        MaxSentences = maxSentences;
        Concatenated = new AlignedBuffer(maxTokens * UseLiteEncoder.ModelWidth);
        Normalized = new AlignedBuffer(maxTokens * UseLiteEncoder.ModelWidth);
        Wide = new AlignedBuffer(maxTokens * UseLiteEncoder.HiddenWidth);
        State = new AlignedBuffer(maxTokens * UseLiteEncoder.ModelWidth);
        Pooled = new AlignedBuffer(maxSentences * UseLiteEncoder.ModelWidth);
        Projected = new AlignedBuffer(maxSentences * UseLiteEncoder.OutputWidth);
        var pack = 0;
        foreach (var k in (ReadOnlySpan<int>)[UseLiteEncoder.EmbeddingWidth, UseLiteEncoder.ModelWidth, UseLiteEncoder.HiddenWidth])
        {
            pack = Math.Max(pack, MatrixMultiply.PackBufferLength(k));
        }

        Pack = new AlignedBuffer(pack);
        Scores = new AlignedBuffer(maxTokensPerSentence);
        ChunkTokens = new int[maxTokens];
        ChunkLengths = new int[maxSentences];
    }

    public int MaxTokens { get; }

    public int MaxSentences { get; }

    public AlignedBuffer Concatenated { get; }

    public AlignedBuffer Normalized { get; }

    public AlignedBuffer Wide { get; }

    public AlignedBuffer State { get; }

    public AlignedBuffer Pooled { get; }

    public AlignedBuffer Projected { get; }

    public AlignedBuffer Pack { get; }

    public AlignedBuffer Scores { get; }

    public TokenizerScratch Tokenizer { get; } = new();

    /// <summary>Token ids of the sentences gathered for the current chunk.</summary>
    public int[] ChunkTokens { get; }

    /// <summary>Token counts of the sentences gathered for the current chunk.</summary>
    public int[] ChunkLengths { get; }
}
