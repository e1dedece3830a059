namespace LlmStrategies.Evaluation.Statistics;

/// <summary>
/// Percentile bootstrap confidence intervals (Efron and Tibshirani, 1993, ch. 13) for the mean of per-item scores,
/// and for the mean difference of paired scores (two strategies scored on the same items). Deterministic for a seed.
/// </summary>
public static class Bootstrap
{
    /// <summary>The confidence interval of the mean of <paramref name="values"/>.</summary>
    /// <param name="values">Per-item scores; at least one.</param>
    /// <param name="seed">The random seed; the same seed gives the same interval.</param>
    /// <param name="resamples">The number of bootstrap resamples. Default 10,000.</param>
    /// <param name="level">The confidence level in (0, 1). Default 0.95.</param>
    /// <returns>The mean with its percentile interval.</returns>
    public static ConfidenceInterval Mean(IReadOnlyList<double> values, int seed, int resamples = 10_000, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("The bootstrap needs at least one value.", nameof(values));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(resamples);
        if (!(level is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "The confidence level must be between 0 and 1, for example 0.95.");
        }

        var random = new Random(seed);
        var n = values.Count;
        var means = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                sum += values[random.Next(n)];
            }

            means[r] = sum / n;
        }

        Array.Sort(means);
        var alpha = (1 - level) / 2;
        return new ConfidenceInterval(values.Average(), Percentile(means, alpha), Percentile(means, 1 - alpha), level);
    }

    /// <summary>The confidence interval of the mean paired difference <paramref name="a"/> − <paramref name="b"/>.</summary>
    /// <param name="a">Scores of the first strategy, item by item.</param>
    /// <param name="b">Scores of the second strategy on the same items, in the same order.</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="resamples">The number of resamples. Default 10,000.</param>
    /// <param name="level">The confidence level. Default 0.95.</param>
    /// <returns>The mean difference with its interval; an interval excluding 0 is a significant difference at that level.</returns>
    public static ConfidenceInterval PairedDifference(IReadOnlyList<double> a, IReadOnlyList<double> b, int seed, int resamples = 10_000, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"Paired scores need the same items: {a.Count} scores against {b.Count}.", nameof(b));
        }

        return Mean(a.Select((x, i) => x - b[i]).ToArray(), seed, resamples, level);
    }

    /// <summary>Linear interpolation between order statistics (the "R-7" definition used by NumPy and Excel).</summary>
    /// <summary>
    /// The confidence interval of the mean of <paramref name="values"/> when items come in groups that are not
    /// independent (the questions of one paragraph or article): the cluster bootstrap, which resamples whole groups with
    /// replacement (Field and Welsh, 2007; Cameron, Gelbach and Miller, 2008). Each resample's statistic is the mean
    /// over the items of the drawn groups, so correlated items widen the interval as they should; with one item per
    /// group it is the ordinary bootstrap.
    /// </summary>
    /// <param name="values">Per-item scores; at least one.</param>
    /// <param name="groups">Each item's group (same length as <paramref name="values"/>).</param>
    /// <param name="seed">The random seed; the same seed gives the same interval.</param>
    /// <param name="resamples">The number of bootstrap resamples. Default 10,000.</param>
    /// <param name="level">The confidence level, in (0, 1). Default 0.95.</param>
    /// <returns>The mean over items with the cluster-bootstrap percentile interval.</returns>
    /// <exception cref="ArgumentException">The inputs are empty or of different lengths.</exception>
    public static ConfidenceInterval Mean(IReadOnlyList<double> values, IReadOnlyList<string> groups, int seed, int resamples = 10_000, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(groups);
        if (values.Count == 0)
        {
            throw new ArgumentException("The bootstrap needs at least one value.", nameof(values));
        }

        if (groups.Count != values.Count)
        {
            throw new ArgumentException($"Every value needs its group: {values.Count} values but {groups.Count} groups.", nameof(groups));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(resamples);
        if (!(level is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "The confidence level must be between 0 and 1, for example 0.95.");
        }

        var (sums, counts) = GroupTotals(values, groups);
        var random = new Random(seed);
        var means = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            var sum = 0.0;
            var count = 0L;
            for (var g = 0; g < sums.Length; g++)
            {
                var drawn = random.Next(sums.Length);
                sum += sums[drawn];
                count += counts[drawn];
            }

            means[r] = sum / count;
        }

        Array.Sort(means);
        var alpha = (1 - level) / 2;
        return new ConfidenceInterval(values.Average(), Percentile(means, alpha), Percentile(means, 1 - alpha), level);
    }

    /// <summary>
    /// The confidence interval of the mean paired difference (a − b) when items come in groups: the cluster bootstrap of
    /// <see cref="Mean(IReadOnlyList{double}, IReadOnlyList{string}, int, int, double)"/> over the per-item differences.
    /// </summary>
    /// <param name="a">Scores of the first strategy.</param>
    /// <param name="b">Scores of the second strategy on the same items, in the same order.</param>
    /// <param name="groups">Each item's group.</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="resamples">The number of bootstrap resamples. Default 10,000.</param>
    /// <param name="level">The confidence level. Default 0.95.</param>
    /// <returns>The mean difference with its interval.</returns>
    public static ConfidenceInterval PairedDifference(IReadOnlyList<double> a, IReadOnlyList<double> b, IReadOnlyList<string> groups, int seed, int resamples = 10_000, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"Paired scores need the same items: {a.Count} scores against {b.Count}.", nameof(b));
        }

        return Mean(a.Select((x, i) => x - b[i]).ToArray(), groups, seed, resamples, level);
    }

    /// <summary>The sum and the number of values of each group, in order of first appearance.</summary>
    internal static (double[] Sums, int[] Counts) GroupTotals(IReadOnlyList<double> values, IReadOnlyList<string> groups)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var sums = new List<double>();
        var counts = new List<int>();
        for (var i = 0; i < values.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(groups[i], nameof(groups));
            if (!index.TryGetValue(groups[i], out var g))
            {
                index[groups[i]] = g = sums.Count;
                sums.Add(0);
                counts.Add(0);
            }

            sums[g] += values[i];
            counts[g]++;
        }

        return ([.. sums], [.. counts]);
    }

    internal static double Percentile(double[] sorted, double p)
    {
        var position = p * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }
}
