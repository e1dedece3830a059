using System.Collections.Frozen;
using System.Globalization;
using System.Numerics.Tensors;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// Clusters the failed inputs with <see cref="SphericalKMeans"/>. k is chosen by a fixed rule: every k from 2 to
/// min(<see cref="DataWorkOptions.MaxClusters"/>, failures / <see cref="DataWorkOptions.MinClusterSize"/>) is fitted with the
/// same seed and the k with the highest mean simplified silhouette wins (ties: the smaller k). The simplified silhouette
/// (Hruschka et al., 2004) of a point is (b − a) / max(a, b) with a its cosine distance to its own centroid and b to the
/// nearest other centroid; it costs O(n·k) instead of the full silhouette's O(n²). Each cluster's region is every scored
/// item (failed or not) nearest to its centroid, so the cluster reports the metric where its failures live.
/// </summary>
internal static class FailureClusterer
{
    private static readonly FrozenSet<string> StopWords = new[]
    {
        "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "was", "were", "is", "are", "did", "does", "the",
        "and", "for", "that", "this", "with", "from", "into", "its", "his", "her", "their", "they", "has", "have", "had",
        "many", "much", "name", "called", "type", "kind", "one", "year", "not", "can", "could", "would", "should", "been",
        "being", "than", "then", "there", "these", "those", "about", "after", "before", "other", "some", "such", "also", "any",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Clusters <paramref name="failed"/> (item indexes into the analysed items); <paramref name="scored"/> are all scored items with their scores.</summary>
    public static ClusterAnalysis Cluster(
        ProfileEvidence evidence,
        IReadOnlyList<int> failed,
        IReadOnlyList<(int Item, double Score)> scored,
        DataWorkOptions options)
    {
        if (evidence.Embeddings is not { } embeddings)
        {
            return new ClusterAnalysis { Available = false, Method = "not computed: no embedding generator was given." };
        }

        var points = failed.Where(i => embeddings.Usable[evidence.Items.DistinctOf[i]]).ToArray();
        var maxK = Math.Min(options.MaxClusters, points.Length / options.MinClusterSize);
        if (maxK < 2)
        {
            return new ClusterAnalysis
            {
                Available = false,
                Failures = points.Length,
                Method = string.Create(CultureInfo.InvariantCulture, $"not computed: {points.Length} failed inputs are too few for two clusters of at least {options.MinClusterSize} (DataWorkOptions.MinClusterSize)."),
            };
        }

        var d = embeddings.Dimension;
        var matrix = UnitRows(embeddings, evidence.Items, points);
        var silhouettes = new SortedDictionary<int, double>();
        SphericalKMeans? best = null;
        var bestScore = double.NegativeInfinity;
        for (var k = 2; k <= maxK; k++)
        {
            var fit = SphericalKMeans.Fit(matrix, points.Length, d, k, options.Seed);
            var silhouette = SimplifiedSilhouette(fit, matrix, points.Length);
            silhouettes[k] = silhouette;
            if (silhouette > bestScore + 1e-12)
            {
                best = fit;
                bestScore = silhouette;
            }
        }

        var regionItems = scored.Where(s => embeddings.Usable[evidence.Items.DistinctOf[s.Item]]).ToArray();
        var regions = best!.Nearest(UnitRows(embeddings, evidence.Items, regionItems.Select(s => s.Item).ToArray()), regionItems.Length);
        var clusters = Enumerable.Range(0, best.K).Select(c => Describe(evidence, best, c, points, matrix, regionItems, regions, options)).ToList();
        var ordered = clusters
            .OrderByDescending(c => c.Failures)
            .ThenBy(c => c.Items[0], StringComparer.Ordinal)
            .Select((c, i) => new FailureCluster
            {
                Id = i + 1,
                Failures = c.Failures,
                RegionItems = c.RegionItems,
                RegionMean = c.RegionMean,
                TopTerms = c.TopTerms,
                Representatives = c.Representatives,
                Items = c.Items,
            })
            .ToArray();
        return new ClusterAnalysis
        {
            Available = true,
            Failures = points.Length,
            K = best.K,
            Method = string.Create(CultureInfo.InvariantCulture, $"spherical k-means (cosine) with k-means++ seeding, seed {options.Seed}; k in 2..{maxK} chosen by the highest mean simplified silhouette; representatives are the failures closest to the centroid"),
            Silhouettes = silhouettes.ToDictionary(p => p.Key.ToString(CultureInfo.InvariantCulture), p => Math.Round(p.Value, 6)),
            Clusters = ordered,
        };
    }

    /// <summary>The mean simplified silhouette of a clustering.</summary>
    internal static double SimplifiedSilhouette(SphericalKMeans fit, float[] matrix, int n)
    {
        var d = fit.Dimension;
        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            var point = matrix.AsSpan(i * d, d);
            var own = fit.Assignment[i];
            var a = SphericalKMeans.Distance(point, fit.Centroid(own));
            var b = double.PositiveInfinity;
            for (var c = 0; c < fit.K; c++)
            {
                if (c != own)
                {
                    b = Math.Min(b, SphericalKMeans.Distance(point, fit.Centroid(c)));
                }
            }

            var scale = Math.Max(a, b);
            total += scale == 0 ? 0 : (b - a) / scale;
        }

        return total / n;
    }

    private static FailureCluster Describe(ProfileEvidence evidence, SphericalKMeans fit, int c, int[] points, float[] matrix, (int Item, double Score)[] regionItems, int[] regions, DataWorkOptions options)
    {
        var d = fit.Dimension;
        var members = Enumerable.Range(0, points.Length).Where(i => fit.Assignment[i] == c).ToArray();
        var representatives = members
            .OrderByDescending(i => TensorPrimitives.Dot(matrix.AsSpan(i * d, d), fit.Centroid(c)))
            .ThenBy(i => points[i])
            .Take(options.RepresentativesPerCluster)
            .Select(i => evidence.Items.Items[points[i]].Id)
            .ToArray();
        var region = Enumerable.Range(0, regionItems.Length).Where(i => regions[i] == c).Select(i => regionItems[i].Score).ToArray();
        return new FailureCluster
        {
            Failures = members.Length,
            RegionItems = region.Length,
            RegionMean = region.Length == 0 ? double.NaN : region.Average(),
            TopTerms = TopTerms(evidence, members.Select(i => points[i]).ToArray(), points),
            Representatives = representatives,
            Items = members.Select(i => evidence.Items.Items[points[i]].Id).Order(StringComparer.Ordinal).ToArray(),
        };
    }

    /// <summary>Up to three content words more common in the cluster than among all failures (document frequency, at least two inputs).</summary>
    private static string[] TopTerms(ProfileEvidence evidence, int[] members, int[] allFailures)
    {
        Dictionary<string, int> Frequencies(IEnumerable<int> items)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var i in items)
            {
                foreach (var word in SquadText.NormalizedTokens(evidence.Items.Items[i].Input).Where(w => w.Length >= 3 && !StopWords.Contains(w)).Distinct(StringComparer.Ordinal))
                {
                    counts[word] = counts.GetValueOrDefault(word) + 1;
                }
            }

            return counts;
        }

        var inCluster = Frequencies(members);
        var overall = Frequencies(allFailures);
        return inCluster
            .Where(p => p.Value >= 2)
            .Select(p => (Word: p.Key, Lift: ((double)p.Value / members.Length) - ((double)overall[p.Key] / allFailures.Length), p.Value))
            .Where(p => p.Lift > 0)
            .OrderByDescending(p => p.Lift)
            .ThenByDescending(p => p.Value)
            .ThenBy(p => p.Word, StringComparer.Ordinal)
            .Take(3)
            .Select(p => p.Word)
            .ToArray();
    }

    /// <summary>The items' embeddings as unit-length rows of one matrix.</summary>
    private static float[] UnitRows(TextEmbeddings embeddings, ProfiledItems items, int[] indexes)
    {
        var d = embeddings.Dimension;
        var matrix = new float[indexes.Length * d];
        for (var r = 0; r < indexes.Length; r++)
        {
            var row = matrix.AsSpan(r * d, d);
            embeddings.Row(items.DistinctOf[indexes[r]]).CopyTo(row);
            TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
        }

        return matrix;
    }
}
