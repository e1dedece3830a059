namespace LlmStrategies.Evaluation;

/// <summary>
/// Seeded, stratified (and optionally grouped) train/dev/test splits. Items are put into groups (by
/// <see cref="SplitOptions.GroupBy"/>, else one per item), groups into strata (by the label of their first item), and
/// each stratum's groups are shuffled with the seed and cut in the requested proportions (largest-remainder rounding
/// across strata, so the totals match too), so every label appears in every part in about the requested proportion
/// and no group straddles two parts. Counts are in groups, not items.
/// </summary>
public static class DatasetSplitter
{
    /// <summary>Splits a dataset.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="options">Fractions, seed, stratification and grouping; default <see cref="SplitOptions"/>.</param>
    /// <returns>The manifest (save it with the results; apply it with <see cref="SplitManifest.Apply"/>).</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The fractions are negative or do not sum to 1; the message names them.</exception>
    /// <exception cref="ArgumentException"><see cref="SplitOptions.GroupBy"/> names a metadata field no item has; the message lists the fields that exist.</exception>
    public static SplitManifest Split(EvaluationDataset dataset, SplitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        options = ValidatedOptions.ThrowIfInvalid(new SplitOptionsValidator(), options ?? new SplitOptions());
        ThrowIfUnknownField(dataset, options.GroupBy);
        var groups = Groups(dataset, options.GroupBy);
        var strata = Strata(groups, options.StratifyByLabel);

        var random = new Random(options.Seed);
        var fractions = new[] { options.TrainFraction, options.DevFraction, options.TestFraction };
        var shuffled = strata.Values.Select(list => Shuffled(list, random)).ToArray();
        var counts = Allocate(shuffled, groups.Count, fractions, random);
        var assignment = Assign(shuffled, counts);

        var parts = new[] { new List<string>(), new List<string>(), new List<string>() };
        foreach (var item in dataset.Items)
        {
            parts[assignment[item.Id]].Add(item.Id);
        }

        string FingerprintOf(List<string> ids) => EvaluationDataset.FingerprintOf(ids.Select(id => dataset.TryGetItem(id, out var item) ? item : throw new InvalidOperationException(id)));
        return new SplitManifest(dataset.Name, dataset.Fingerprint, options, parts[0], parts[1], parts[2], FingerprintOf(parts[0]), FingerprintOf(parts[1]), FingerprintOf(parts[2]));
    }

    /// <summary>A grouping field that no item carries is a typo, not a choice: it would silently put every item in a group of its own.</summary>
    private static void ThrowIfUnknownField(EvaluationDataset dataset, string? field)
    {
        if (field is null || dataset.Items.Any(item => item.Metadata.ContainsKey(field)))
        {
            return;
        }

        var known = dataset.Items.SelectMany(item => item.Metadata.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        throw new ArgumentException(
            $"SplitOptions.GroupBy is '{field}', but no item of dataset '{dataset.Name}' has a metadata field of that name, so nothing would be grouped. " +
            (known.Length == 0 ? "The items have no metadata fields at all; remove GroupBy or add the field to the data." : $"The fields that exist are: {string.Join(", ", known)}."),
            nameof(field));
    }

    /// <summary>Groups in a canonical order (by key), so the file order of the data does not change the split.</summary>
    private static SortedDictionary<string, List<EvaluationItem>> Groups(EvaluationDataset dataset, string? groupBy)
    {
        var groups = new SortedDictionary<string, List<EvaluationItem>>(StringComparer.Ordinal);
        foreach (var item in dataset.Items)
        {
            var key = groupBy is null ? item.Id : "g:" + (item.Metadata.TryGetValue(groupBy, out var g) ? g : "\0" + item.Id);
            if (!groups.TryGetValue(key, out var members))
            {
                groups[key] = members = [];
            }

            members.Add(item);
        }

        return groups;
    }

    /// <summary>Groups by stratum: the label of a group's first item, or one stratum when not stratifying.</summary>
    private static SortedDictionary<string, List<List<EvaluationItem>>> Strata(SortedDictionary<string, List<EvaluationItem>> groups, bool byLabel)
    {
        var strata = new SortedDictionary<string, List<List<EvaluationItem>>>(StringComparer.Ordinal);
        foreach (var members in groups.Values)
        {
            var stratum = byLabel ? members[0].Label ?? string.Empty : string.Empty;
            if (!strata.TryGetValue(stratum, out var list))
            {
                strata[stratum] = list = [];
            }

            list.Add(members);
        }

        return strata;
    }

    /// <summary>
    /// Groups per stratum and part. Each stratum gets floor(n·f) groups per part; the remaining slots go, largest
    /// remainder first, to the parts still below their global target, so every stratum is split in about the requested
    /// proportions and the totals match them too (strata of one group, e.g. one label per article, are spread across
    /// the parts this way).
    /// </summary>
    private static int[][] Allocate(List<List<EvaluationItem>>[] shuffled, int totalGroups, double[] fractions, Random random)
    {
        var targets = Targets(totalGroups, fractions);
        var counts = new int[shuffled.Length][];
        var global = new int[3];
        var remainders = new List<(double Remainder, double Tie, int Stratum, int Part)>();
        for (var s = 0; s < shuffled.Length; s++)
        {
            counts[s] = new int[3];
            for (var p = 0; p < 3; p++)
            {
                var exact = shuffled[s].Count * fractions[p];
                counts[s][p] = (int)Math.Floor(exact);
                global[p] += counts[s][p];
                remainders.Add((exact - counts[s][p], random.NextDouble(), s, p));
            }
        }

        foreach (var (_, _, s, p) in remainders.OrderByDescending(r => r.Remainder).ThenBy(r => r.Tie))
        {
            if (counts[s].Sum() < shuffled[s].Count && global[p] < targets[p])
            {
                counts[s][p]++;
                global[p]++;
            }
        }

        for (var s = 0; s < shuffled.Length; s++)
        {
            while (counts[s].Sum() < shuffled[s].Count)
            {
                var p = Enumerable.Range(0, 3).Where(q => fractions[q] > 0).MaxBy(q => targets[q] - global[q]);
                counts[s][p]++;
                global[p]++;
            }
        }

        return counts;
    }

    /// <summary>The part (0 train, 1 dev, 2 test) of every item: each stratum's shuffled groups fill test, then dev, then train.</summary>
    private static Dictionary<string, int> Assign(List<List<EvaluationItem>>[] shuffled, int[][] counts)
    {
        var assignment = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var s = 0; s < shuffled.Length; s++)
        {
            var i = 0;
            foreach (var (part, count) in new[] { (2, counts[s][2]), (1, counts[s][1]), (0, counts[s][0]) })
            {
                for (var k = 0; k < count; k++, i++)
                {
                    foreach (var item in shuffled[s][i])
                    {
                        assignment[item.Id] = part;
                    }
                }
            }
        }

        return assignment;
    }

    /// <summary>Fisher–Yates with the given generator, on a copy.</summary>
    private static List<T> Shuffled<T>(List<T> source, Random random)
    {
        var list = new List<T>(source);
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }

        return list;
    }

    /// <summary>Rounded targets per part that add up to <paramref name="total"/> (largest remainder).</summary>
    private static int[] Targets(int total, double[] fractions)
    {
        var targets = fractions.Select(f => (int)Math.Floor(total * f)).ToArray();
        foreach (var p in Enumerable.Range(0, 3).OrderByDescending(p => (total * fractions[p]) - targets[p]).ThenBy(p => p))
        {
            if (targets.Sum() < total)
            {
                targets[p]++;
            }
        }

        return targets;
    }
}
