namespace LlmStrategies.Evaluation;

/// <summary>Cosine similarity for evaluation (not a hot path: a few thousand pairs per run).</summary>
internal static class VectorMath
{
    /// <summary>The cosine of two vectors, accumulated in double; 0 when either is all zeros.</summary>
    /// <exception cref="ArgumentException">The vectors have different lengths.</exception>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Cannot compare embeddings of {a.Length} and {b.Length} dimensions; use one embedding model for both sides.", nameof(b));
        }

        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }

        return na == 0 || nb == 0 ? 0 : dot / (Math.Sqrt(na) * Math.Sqrt(nb));
    }
}
