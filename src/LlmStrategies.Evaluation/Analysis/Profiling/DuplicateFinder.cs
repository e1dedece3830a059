using System.Globalization;
using LlmStrategies.VectorSearch;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// Exact duplicates (the same SQuAD-normalised input) and near-duplicates (cosine of the embeddings at or above a
/// threshold among each input's nearest neighbours, found with the exact SIMD <see cref="FlatVectorIndex{TKey}"/>).
/// Near-duplicates are searched among distinct normalised inputs, so exact duplicates are reported once, as exact.
/// Memory is linear: one row per distinct input plus k neighbours per query block; time is quadratic in the distinct
/// inputs (an exact index scores every pair), which the batch kernel keeps to seconds for 100k inputs.
/// </summary>
internal static class DuplicateFinder
{
    private const int QueryBlock = 1024;

    /// <summary>Near-duplicate pairs of distinct-input rows (i &lt; j) with their cosine.</summary>
    public static Dictionary<(int, int), float> NearPairs(TextEmbeddings embeddings, double threshold, int neighbours, int parallelism, CancellationToken cancellationToken)
    {
        var pairs = new Dictionary<(int, int), float>();
        var rows = Enumerable.Range(0, embeddings.Count).Where(i => embeddings.Usable[i]).ToArray();
        if (rows.Length < 2)
        {
            return pairs;
        }

        using var index = new FlatVectorIndex<int>(embeddings.Dimension, VectorMetric.Cosine, initialCapacity: rows.Length);
        index.AddRange(rows.Select(i => new VectorEntry<int>(i, embeddings.Vectors.AsMemory(i * embeddings.Dimension, embeddings.Dimension))));
        var k = Math.Min(neighbours + 1, rows.Length);
        var d = embeddings.Dimension;
        var queries = new float[QueryBlock * d];
        var results = new VectorSearchResult<int>[QueryBlock * k];
        var counts = new int[QueryBlock];
        var cutoff = (float)threshold;
        for (var start = 0; start < rows.Length; start += QueryBlock)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = Math.Min(QueryBlock, rows.Length - start);
            for (var q = 0; q < n; q++)
            {
                embeddings.Row(rows[start + q]).CopyTo(queries.AsSpan(q * d, d));
            }

            index.SearchBatch(queries.AsSpan(0, n * d), k, results, counts, maxDegreeOfParallelism: parallelism);
            for (var q = 0; q < n; q++)
            {
                var self = rows[start + q];
                for (var r = 0; r < counts[q]; r++)
                {
                    var hit = results[(q * k) + r];
                    if (hit.Key == self || hit.Score < cutoff)
                    {
                        continue;
                    }

                    var key = self < hit.Key ? (self, hit.Key) : (hit.Key, self);
                    // Rounding can put a cosine of identical directions a hair above 1.
                    pairs[key] = Math.Min(1f, hit.Score);
                }
            }
        }

        return pairs;
    }

    /// <summary>Summarises exact groups and near pairs over the items, with cross-split and conflicting-gold checks.</summary>
    public static DuplicateSummary Summarise(ProfiledItems items, Dictionary<(int, int), float>? nearPairs, double? threshold, string method, int maxListed)
    {
        var groups = new List<(string Kind, double Similarity, int[] Members)>();
        foreach (var members in items.ItemsByDistinctInput)
        {
            if (members.Count > 1)
            {
                groups.Add(("exact", 1, [.. members]));
            }
        }

        var exactGroups = groups.Count;
        var exactItems = groups.Sum(g => g.Members.Length);
        foreach (var ((a, b), similarity) in nearPairs ?? [])
        {
            groups.Add(("near", similarity, [.. items.ItemsByDistinctInput[a], .. items.ItemsByDistinctInput[b]]));
        }

        var crossSplit = 0;
        var conflicting = 0;
        var nearConflicting = 0;
        var leakedTest = new SortedSet<string>(StringComparer.Ordinal);
        var nearLeakedTest = new SortedSet<string>(StringComparer.Ordinal);
        var conflictingItems = new SortedSet<string>(StringComparer.Ordinal);
        var described = new List<(int Group, bool Cross, bool Conflict)>(groups.Count);
        for (var g = 0; g < groups.Count; g++)
        {
            var (kind, _, members) = groups[g];
            var cross = members.Select(m => items.Split[m]).Distinct(StringComparer.Ordinal).Count() > 1;
            var conflict = HasConflict(items, members);
            if (cross)
            {
                crossSplit++;
                foreach (var m in members.Where(m => items.Split[m] == ProfiledItems.TestSplit))
                {
                    (kind == "exact" ? leakedTest : nearLeakedTest).Add(items.Items[m].Id);
                }
            }

            if (conflict && kind == "near")
            {
                nearConflicting++;
            }
            else if (conflict)
            {
                conflicting++;
                foreach (var m in members)
                {
                    conflictingItems.Add(items.Items[m].Id);
                }
            }

            described.Add((g, cross, conflict));
        }

        // Only the groups a report shows become objects: a 100k-item dataset can have hundreds of thousands of pairs.
        var examples = described
            .OrderByDescending(d => d.Cross)
            .ThenByDescending(d => d.Conflict)
            .ThenByDescending(d => groups[d.Group].Similarity)
            .ThenBy(d => items.Items[groups[d.Group].Members[0]].Id, StringComparer.Ordinal)
            .Take(maxListed)
            .Select(d => new DuplicateGroup
            {
                Kind = groups[d.Group].Kind,
                Similarity = Math.Round(groups[d.Group].Similarity, 6),
                CrossSplit = d.Cross,
                ConflictingGold = d.Conflict,
                Items = groups[d.Group].Members.Select(items.Reference).ToArray(),
            })
            .ToArray();

        return new DuplicateSummary
        {
            Method = method,
            NearThreshold = threshold,
            ExactGroups = exactGroups,
            ExactItems = exactItems,
            NearPairs = nearPairs?.Count ?? 0,
            CrossSplit = crossSplit,
            ConflictingGold = conflicting,
            NearConflictingGold = nearConflicting,
            TestItemsDuplicatedElsewhere = [.. leakedTest],
            TestItemsNearDuplicatedElsewhere = [.. nearLeakedTest.Except(leakedTest, StringComparer.Ordinal)],
            ConflictingItems = [.. conflictingItems],
            Examples = examples,
        };
    }

    /// <summary>
    /// Two members conflict when both have gold and share no normalised gold answer (for classification data: different
    /// labels). Members with the same gold set are compared once, so a large group of identical items costs one pass.
    /// </summary>
    private static bool HasConflict(ProfiledItems items, int[] members)
    {
        var golds = members
            .Select(m => items.GoldKeys[m])
            .Where(g => g.Length > 0)
            .DistinctBy(g => string.Join('\u0001', g.Order(StringComparer.Ordinal)), StringComparer.Ordinal)
            .ToArray();
        for (var i = 0; i < golds.Length; i++)
        {
            for (var j = i + 1; j < golds.Length; j++)
            {
                if (!golds[i].Intersect(golds[j], StringComparer.Ordinal).Any())
                {
                    return true;
                }
            }
        }

        return false;
    }

    public static string Describe(double threshold, int neighbours, string? model) => string.Create(
        CultureInfo.InvariantCulture,
        $"exact: same SQuAD-normalised input; near: cosine ≥ {threshold:0.###} among each distinct input's {neighbours} nearest neighbours (embeddings{(model is null ? string.Empty : $" of {model}")}, exact flat SIMD index)");
}
