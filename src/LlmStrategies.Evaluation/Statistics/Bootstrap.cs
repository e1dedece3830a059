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
    internal static double Percentile(double[] sorted, double p)
    {
        var position = p * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }
}
