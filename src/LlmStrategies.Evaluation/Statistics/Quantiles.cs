namespace LlmStrategies.Evaluation.Statistics;

/// <summary>Sample quantiles by linear interpolation between order statistics (Hyndman and Fan's type 7, the default of R, NumPy and Excel).</summary>
internal static class Quantiles
{
    /// <summary>The <paramref name="p"/>-quantile of <paramref name="values"/>.</summary>
    /// <param name="values">The values; at least one.</param>
    /// <param name="p">The probability in [0, 1], for example 0.95 for p95.</param>
    /// <returns>The quantile.</returns>
    public static double Of(IEnumerable<double> values, double p)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!(p is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "The quantile's probability must be in [0, 1], for example 0.95.");
        }

        var sorted = values.ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("A quantile needs at least one value.", nameof(values));
        }

        Array.Sort(sorted);
        return Bootstrap.Percentile(sorted, p);
    }
}
