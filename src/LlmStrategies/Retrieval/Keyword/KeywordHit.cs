namespace LlmStrategies.Retrieval.Keyword;

/// <summary>A chunk found by a keyword search and its BM25 score.</summary>
public readonly struct KeywordHit : IEquatable<KeywordHit>
{
    /// <summary>Creates a hit.</summary>
    /// <param name="chunk">The chunk.</param>
    /// <param name="score">The BM25 score.</param>
    public KeywordHit(TextChunk chunk, double score)
    {
        Chunk = chunk;
        Score = score;
    }

    /// <summary>Gets the chunk.</summary>
    public TextChunk Chunk { get; }

    /// <summary>Gets the BM25 score; higher is better.</summary>
    public double Score { get; }

    /// <summary>Compares two hits.</summary>
    /// <param name="left">The first hit.</param>
    /// <param name="right">The second hit.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(KeywordHit left, KeywordHit right) => left.Equals(right);

    /// <summary>Compares two hits.</summary>
    /// <param name="left">The first hit.</param>
    /// <param name="right">The second hit.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(KeywordHit left, KeywordHit right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(KeywordHit other) => ReferenceEquals(Chunk, other.Chunk) && Score.Equals(other.Score);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is KeywordHit other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Chunk, Score);

    /// <inheritdoc/>
    public override string ToString() => $"{Chunk} ({Score:G5})";
}
