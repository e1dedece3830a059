namespace LlmStrategies.Evaluation;

/// <summary>
/// Seeded, stratified (and optionally grouped) train/dev/test splits. Items are put into groups (by
/// <see cref="SplitOptions.GroupBy"/>, else one per item), groups into strata (by the label of their first item), and
/// each stratum's groups are shuffled with the seed and cut in the requested proportions, so every label appears in
/// every part in about the requested proportion and no group straddles two parts.
/// </summary>
public static class DatasetSplitter
{
    /// <summary>Splits a dataset.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <param name="options">Fractions, seed, stratification and grouping; default <see cref="SplitOptions"/>.</param>
    /// <returns>The manifest (save it with the results; apply it with <see cref="SplitManifest.Apply"/>).</returns>
    /// <exception cref="ArgumentException">The fractions are negative or do not sum to 1.</exception>
    public static SplitManifest Split(EvaluationDataset dataset, SplitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= new SplitOptions();
        if (options.TrainFraction < 0 || options.DevFraction < 0 || options.TestFraction < 0
            || Math.Abs(options.TrainFraction + options.DevFraction + options.TestFraction - 1) > 1e-9)
        {
            throw new ArgumentException($"Split fractions must be non-negative and sum to 1; got train {options.TrainFraction}, dev {options.DevFraction}, test {options.TestFraction}.", nameof(options));
        }

        // Groups in a canonical order (by key), so the file order of the data does not change the split.
        var groups = new SortedDictionary<string, List<EvaluationItem>>(StringComparer.Ordinal);
        foreach (var item in dataset.Items)
        {
            var key = options.GroupBy is null ? item.Id : "g:" + (item.Metadata.TryGetValue(options.GroupBy, out var g) ? g : "\0" + item.Id);
            if (!groups.TryGetValue(key, out var members))
            {
                groups[key] = members = [];
            }

            members.Add(item);
        }

        var strata = new SortedDictionary<string, List<List<EvaluationItem>>>(StringComparer.Ordinal);
        foreach (var members in groups.Values)
        {
            var stratum = options.StratifyByLabel ? members[0].Label ?? string.Empty : string.Empty;
            if (!strata.TryGetValue(stratum, out var list))
            {
                strata[stratum] = list = [];
            }

            list.Add(members);
        }

        var random = new Random(options.Seed);
        var assignment = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var stratumGroups in strata.Values)
        {
            Shuffle(stratumGroups, random);
            var n = stratumGroups.Count;
            var test = (int)Math.Round(n * options.TestFraction, MidpointRounding.AwayFromZero);
            var dev = (int)Math.Round(n * options.DevFraction, MidpointRounding.AwayFromZero);
            if (test + dev > n)
            {
                dev = n - test;
            }

            for (var i = 0; i < n; i++)
            {
                var part = i < test ? 2 : i < test + dev ? 1 : 0;
                foreach (var item in stratumGroups[i])
                {
                    assignment[item.Id] = part;
                }
            }
        }

        var parts = new[] { new List<string>(), new List<string>(), new List<string>() };
        foreach (var item in dataset.Items)
        {
            parts[assignment[item.Id]].Add(item.Id);
        }

        string FingerprintOf(List<string> ids) => EvaluationDataset.FingerprintOf(ids.Select(id => dataset.TryGetItem(id, out var item) ? item : throw new InvalidOperationException(id)));
        return new SplitManifest(dataset.Name, dataset.Fingerprint, options, parts[0], parts[1], parts[2], FingerprintOf(parts[0]), FingerprintOf(parts[1]), FingerprintOf(parts[2]));
    }

    /// <summary>Fisher–Yates with the given generator.</summary>
    private static void Shuffle<T>(List<T> list, Random random)
    {
        for (var i = list.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (list[i], list[j]) = (list[j], list[i]);
        }
    }
}
