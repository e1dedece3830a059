using System.Numerics.Tensors;
using LlmStrategies.VectorSearch;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// k-means on the unit sphere (cosine similarity), deterministic for a seed: k-means++ seeding (Arthur and Vassilvitskii,
/// 2007) with the cosine distance 1 − cos, then Lloyd iterations until no assignment changes (at most
/// <see cref="MaxIterations"/>). Each point goes to the centroid of highest cosine, found with the library's exact SIMD
/// <see cref="FlatVectorIndex{TKey}"/> (ties to the lower cluster number); each centroid is its members' mean, renormalised.
/// A cluster that empties is re-seeded with the point farthest from its centroid.
/// </summary>
internal sealed class SphericalKMeans
{
    public const int MaxIterations = 100;

    private SphericalKMeans(float[] centroids, int[] assignment, int k, int dimension)
    {
        Centroids = centroids;
        Assignment = assignment;
        K = k;
        Dimension = dimension;
    }

    public int K { get; }

    public int Dimension { get; }

    /// <summary>Gets the unit-length centroids (K × Dimension).</summary>
    public float[] Centroids { get; }

    /// <summary>Gets each point's cluster.</summary>
    public int[] Assignment { get; }

    public ReadOnlySpan<float> Centroid(int c) => Centroids.AsSpan(c * Dimension, Dimension);

    /// <summary>Clusters <paramref name="points"/> (n × d, each row unit length) into <paramref name="k"/> clusters.</summary>
    public static SphericalKMeans Fit(float[] points, int n, int d, int k, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, n);
        var random = new Random(seed);
        var centroids = new float[k * d];
        Seed(points, n, d, k, random, centroids);
        var assignment = new int[n];
        Array.Fill(assignment, -1);
        for (var iteration = 0; iteration < MaxIterations; iteration++)
        {
            var changed = Assign(points, n, d, centroids, k, assignment);
            if (!changed && iteration > 0)
            {
                break;
            }

            Update(points, n, d, centroids, k, assignment);
        }

        return new SphericalKMeans(centroids, assignment, k, d);
    }

    /// <summary>The nearest centroid of each of <paramref name="n"/> unit-length points (used for the failure regions too).</summary>
    public int[] Nearest(float[] points, int n)
    {
        var assignment = new int[n];
        Assign(points, n, Dimension, Centroids, K, assignment);
        return assignment;
    }

    private static void Seed(float[] points, int n, int d, int k, Random random, float[] centroids)
    {
        var first = random.Next(n);
        points.AsSpan(first * d, d).CopyTo(centroids);
        var distance = new double[n];
        for (var i = 0; i < n; i++)
        {
            distance[i] = Distance(points.AsSpan(i * d, d), centroids.AsSpan(0, d));
        }

        for (var c = 1; c < k; c++)
        {
            var total = 0.0;
            foreach (var x in distance)
            {
                total += x * x;
            }

            int chosen;
            if (total <= 0)
            {
                chosen = random.Next(n); // every point coincides with a centroid: any choice is as good
            }
            else
            {
                var target = random.NextDouble() * total;
                chosen = n - 1;
                var cumulative = 0.0;
                for (var i = 0; i < n; i++)
                {
                    cumulative += distance[i] * distance[i];
                    if (cumulative >= target && distance[i] > 0)
                    {
                        chosen = i;
                        break;
                    }
                }
            }

            points.AsSpan(chosen * d, d).CopyTo(centroids.AsSpan(c * d, d));
            for (var i = 0; i < n; i++)
            {
                distance[i] = Math.Min(distance[i], Distance(points.AsSpan(i * d, d), centroids.AsSpan(c * d, d)));
            }
        }
    }

    /// <summary>Assigns each point to its nearest centroid; returns whether any assignment changed.</summary>
    private static bool Assign(float[] points, int n, int d, float[] centroids, int k, int[] assignment)
    {
        using var index = new FlatVectorIndex<int>(d, VectorMetric.DotProduct, initialCapacity: k);
        index.AddRange(Enumerable.Range(0, k).Select(c => new VectorEntry<int>(c, centroids.AsMemory(c * d, d))));
        var results = new VectorSearchResult<int>[n];
        var counts = new int[n];
        index.SearchBatch(points.AsSpan(0, n * d), 1, results, counts);
        var changed = false;
        for (var i = 0; i < n; i++)
        {
            var cluster = counts[i] > 0 ? results[i].Key : 0;
            changed |= assignment[i] != cluster;
            assignment[i] = cluster;
        }

        return changed;
    }

    private static void Update(float[] points, int n, int d, float[] centroids, int k, int[] assignment)
    {
        var sums = new float[k * d];
        var sizes = new int[k];
        for (var i = 0; i < n; i++)
        {
            TensorPrimitives.Add(sums.AsSpan(assignment[i] * d, d), points.AsSpan(i * d, d), sums.AsSpan(assignment[i] * d, d));
            sizes[assignment[i]]++;
        }

        for (var c = 0; c < k; c++)
        {
            var centroid = centroids.AsSpan(c * d, d);
            var sum = sums.AsSpan(c * d, d);
            var norm = TensorPrimitives.Norm(sum);
            if (sizes[c] == 0 || norm == 0)
            {
                // An empty cluster takes the point farthest from its own centroid, which then leaves its old cluster.
                var farthest = 0;
                var worst = double.NegativeInfinity;
                for (var i = 0; i < n; i++)
                {
                    var gap = Distance(points.AsSpan(i * d, d), centroids.AsSpan(assignment[i] * d, d));
                    if (gap > worst)
                    {
                        worst = gap;
                        farthest = i;
                    }
                }

                points.AsSpan(farthest * d, d).CopyTo(centroid);
                assignment[farthest] = c;
                continue;
            }

            TensorPrimitives.Divide(sum, norm, centroid);
        }
    }

    /// <summary>The cosine distance of two unit vectors, 1 − a·b, at least 0.</summary>
    public static double Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => Math.Max(0, 1 - (double)TensorPrimitives.Dot(a, b));
}
