using Microsoft.Extensions.AI;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// The embeddings of a list of texts in one contiguous buffer (row i = text i), computed in batches so that a 100k-item
/// dataset needs one float array and no per-text objects beyond what the generator returns per batch.
/// </summary>
internal sealed class TextEmbeddings
{
    private TextEmbeddings(float[] vectors, int count, int dimension, bool[] usable, string? model)
    {
        Vectors = vectors;
        Count = count;
        Dimension = dimension;
        Usable = usable;
        Model = model;
    }

    /// <summary>Gets the rows (Count × Dimension floats).</summary>
    public float[] Vectors { get; }

    public int Count { get; }

    public int Dimension { get; }

    /// <summary>Gets, per row, whether the vector is non-zero and finite (a zero vector has no direction, so no cosine).</summary>
    public bool[] Usable { get; }

    /// <summary>Gets the generator's model id, when it reports one.</summary>
    public string? Model { get; }

    public ReadOnlySpan<float> Row(int i) => Vectors.AsSpan(i * Dimension, Dimension);

    public static async Task<TextEmbeddings> CreateAsync(IEmbeddingGenerator<string, Embedding<float>> generator, IReadOnlyList<string> texts, int batchSize, CancellationToken cancellationToken)
    {
        var model = generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId;
        float[]? vectors = null;
        var dimension = 0;
        var usable = new bool[texts.Count];
        for (var start = 0; start < texts.Count; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(batchSize, texts.Count - start);
            var batch = new string[count];
            for (var i = 0; i < count; i++)
            {
                batch[i] = texts[start + i];
            }

            var embeddings = await generator.GenerateAsync(batch, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (embeddings.Count != count)
            {
                throw new InvalidOperationException($"The embedding generator returned {embeddings.Count} vectors for {count} texts; it must return one per text.");
            }

            for (var i = 0; i < count; i++)
            {
                var vector = embeddings[i].Vector.Span;
                if (vectors is null)
                {
                    dimension = vector.Length;
                    if (dimension == 0)
                    {
                        throw new InvalidOperationException("The embedding generator returned an empty vector.");
                    }

                    vectors = new float[checked(texts.Count * dimension)];
                }
                else if (vector.Length != dimension)
                {
                    throw new InvalidOperationException($"The embedding generator returned vectors of {dimension} and {vector.Length} dimensions; use one model for every text.");
                }

                vector.CopyTo(vectors.AsSpan((start + i) * dimension, dimension));
                usable[start + i] = IsUsable(vector);
            }
        }

        return new TextEmbeddings(vectors ?? [], texts.Count, dimension, usable, model);
    }

    private static bool IsUsable(ReadOnlySpan<float> vector)
    {
        var any = false;
        foreach (var x in vector)
        {
            if (!float.IsFinite(x))
            {
                return false;
            }

            any |= x != 0;
        }

        return any;
    }
}
