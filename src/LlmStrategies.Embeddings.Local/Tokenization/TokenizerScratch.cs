using System.Buffers;

namespace LlmStrategies.Embeddings.Local.Tokenization;

/// <summary>Reusable per-thread buffers for <see cref="SentencePieceTokenizer.Encode"/>; grows, never shrinks.</summary>
internal sealed class TokenizerScratch
{
    /// <summary>Where the NFKC form of a text that is not already normalised goes (a pooled array; grows, never returned).</summary>
    public char[] Normalized = ArrayPool<char>.Shared.Rent(256);

    public int[] Symbols { get; private set; } = new int[256];

    public double[] BestScores { get; private set; } = new double[257];

    public int[] BestPieces { get; private set; } = new int[257];

    public int[] Tokens { get; private set; } = new int[256];

    public void EnsureSymbolCapacity(int symbols)
    {
        if (Symbols.Length < symbols)
        {
            var size = Math.Max(symbols, Symbols.Length * 2);
            Symbols = new int[size];
            BestScores = new double[size + 1];
            BestPieces = new int[size + 1];
        }
    }

    public int[] EnsureTokenCapacity(int tokens)
    {
        if (Tokens.Length < tokens)
        {
            Tokens = new int[Math.Max(tokens, Tokens.Length * 2)];
        }

        return Tokens;
    }
}
