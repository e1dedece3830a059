using System.Numerics.Tensors;
using LlmStrategies.FineTuning.EmbeddingAdapters;

namespace LlmStrategies.Tests.FineTuning.EmbeddingAdapters;

/// <summary>
/// A retrieval problem a linear adapter can provably fix: 32-d unit vectors whose first 16 dimensions carry the
/// signal (a query repeats its passage's signal, with a little noise) and whose last 16 carry loud noise, fresh for
/// every vector. Cosine similarity is dominated by the noise, so the base model retrieves poorly; projecting the noise
/// dimensions away (x − P·x, a rank-16 correction) makes retrieval nearly perfect.
/// </summary>
internal sealed class SyntheticRetrieval
{
    public const int Dimensions = 32;
    private const int Signal = 16;

    private SyntheticRetrieval(float[] passages, float[] queries, int[] positives)
    {
        Passages = passages;
        Queries = queries;
        Positives = positives;
    }

    public float[] Passages { get; }

    public float[] Queries { get; }

    public int[] Positives { get; }

    public int PassageCount => Passages.Length / Dimensions;

    public int QueryCount => Positives.Length;

    public EmbeddingPairSet PairSet(string? modelId = null) => new(Dimensions, Queries, Passages, Positives, modelId);

    public static SyntheticRetrieval Create(int passages, int queriesPerPassage, int seed)
    {
        var random = new Random(seed);
        var passageVectors = new float[passages * Dimensions];
        var queries = new float[passages * queriesPerPassage * Dimensions];
        var positives = new int[passages * queriesPerPassage];
        for (var p = 0; p < passages; p++)
        {
            var passage = passageVectors.AsSpan(p * Dimensions, Dimensions);
            for (var i = 0; i < Dimensions; i++)
            {
                passage[i] = (float)Gaussian(random) * (i < Signal ? 1f : 2f);
            }

            Normalize(passage);
            for (var q = 0; q < queriesPerPassage; q++)
            {
                var index = (p * queriesPerPassage) + q;
                positives[index] = p;
                var query = queries.AsSpan(index * Dimensions, Dimensions);
                for (var i = 0; i < Dimensions; i++)
                {
                    query[i] = i < Signal ? passage[i] + (float)(0.05 * Gaussian(random)) : (float)(0.5 * Gaussian(random));
                }

                Normalize(query);
            }
        }

        return new SyntheticRetrieval(passageVectors, queries, positives);
    }

    /// <summary>Mean reciprocal rank of each query's passage among all passages (full ranking, ties in the query's favour).</summary>
    public double Mrr(EmbeddingAdapter? adapter = null)
    {
        var passages = Transform(Passages, adapter);
        var queries = Transform(Queries, adapter);
        var total = 0.0;
        for (var q = 0; q < QueryCount; q++)
        {
            var query = queries.AsSpan(q * Dimensions, Dimensions);
            var target = TensorPrimitives.Dot(query, passages.AsSpan(Positives[q] * Dimensions, Dimensions));
            var rank = 1;
            for (var p = 0; p < PassageCount; p++)
            {
                if (p != Positives[q] && TensorPrimitives.Dot(query, passages.AsSpan(p * Dimensions, Dimensions)) > target)
                {
                    rank++;
                }
            }

            total += 1.0 / rank;
        }

        return total / QueryCount;
    }

    private static float[] Transform(float[] rows, EmbeddingAdapter? adapter)
    {
        if (adapter is null)
        {
            return rows;
        }

        var result = new float[rows.Length];
        for (var r = 0; r < rows.Length / Dimensions; r++)
        {
            adapter.Transform(rows.AsSpan(r * Dimensions, Dimensions), result.AsSpan(r * Dimensions, Dimensions));
        }

        return result;
    }

    private static void Normalize(Span<float> vector) => TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);

    internal static double Gaussian(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());
}
