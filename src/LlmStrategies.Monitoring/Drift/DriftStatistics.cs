namespace LlmStrategies.Monitoring.Drift;

/// <summary>
/// The statistics drift detection rests on: the population stability index for binned or categorical features and
/// the two-sample Kolmogorov–Smirnov test for numeric ones.
/// </summary>
internal static class DriftStatistics
{
    /// <summary>The smallest share a bin is given, so that an empty bin does not make the index infinite.</summary>
    public const double EmptyBinShare = 1e-4;

    /// <summary>
    /// The population stability index Σ (aᵢ − eᵢ) · ln(aᵢ / eᵢ) between expected (reference) and actual (live) shares per
    /// bin or category. Conventional reading: below 0.1 no significant change, 0.1–0.25 moderate, above 0.25 major.
    /// Shares of zero are raised to <see cref="EmptyBinShare"/>.
    /// </summary>
    /// <param name="expectedCounts">Reference counts per bin.</param>
    /// <param name="actualCounts">Live counts per bin, in the same bin order.</param>
    /// <returns>The index (0 for identical distributions).</returns>
    public static double PopulationStabilityIndex(IReadOnlyList<double> expectedCounts, IReadOnlyList<double> actualCounts)
    {
        ArgumentNullException.ThrowIfNull(expectedCounts);
        ArgumentNullException.ThrowIfNull(actualCounts);
        if (expectedCounts.Count != actualCounts.Count || expectedCounts.Count == 0)
        {
            throw new ArgumentException($"Both distributions need the same, non-zero number of bins ({expectedCounts.Count} and {actualCounts.Count}).", nameof(actualCounts));
        }

        var expectedTotal = expectedCounts.Sum();
        var actualTotal = actualCounts.Sum();
        if (expectedTotal <= 0 || actualTotal <= 0)
        {
            throw new ArgumentException("Both distributions need at least one observation.", nameof(expectedCounts));
        }

        var psi = 0.0;
        for (var i = 0; i < expectedCounts.Count; i++)
        {
            var e = Math.Max(expectedCounts[i] / expectedTotal, EmptyBinShare);
            var a = Math.Max(actualCounts[i] / actualTotal, EmptyBinShare);
            psi += (a - e) * Math.Log(a / e);
        }

        return psi;
    }

    /// <summary>
    /// The population stability index of a numeric feature, binned at the reference sample's deciles (or
    /// <paramref name="bins"/> quantiles).
    /// </summary>
    /// <param name="reference">The reference sample.</param>
    /// <param name="live">The live sample.</param>
    /// <param name="bins">The number of quantile bins. Default 10.</param>
    /// <returns>The index.</returns>
    public static double PopulationStabilityIndex(IReadOnlyList<double> reference, IReadOnlyList<double> live, int bins)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        if (reference.Count == 0 || live.Count == 0)
        {
            throw new ArgumentException("Both samples need at least one value.", nameof(reference));
        }

        var sorted = reference.Order().ToArray();
        var edges = Enumerable.Range(1, bins - 1).Select(i => sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(i * sorted.Length / (double)bins))]).Distinct().ToArray();
        return PopulationStabilityIndex(Histogram(reference, edges), Histogram(live, edges));
    }

    /// <summary>
    /// The two-sample Kolmogorov–Smirnov test: D = the largest distance between the two empirical distribution functions,
    /// and its asymptotic p-value Q_KS(λ), λ = (√nₑ + 0.12 + 0.11/√nₑ) · D, nₑ = n·m/(n+m) (Press et al., Numerical Recipes, §14.3).
    /// </summary>
    /// <param name="first">The first sample.</param>
    /// <param name="second">The second sample.</param>
    /// <returns>The statistic D and the p-value of "both samples come from the same distribution".</returns>
    public static (double Statistic, double PValue) KolmogorovSmirnov(IReadOnlyList<double> first, IReadOnlyList<double> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Count == 0 || second.Count == 0)
        {
            throw new ArgumentException("Both samples need at least one value.", nameof(first));
        }

        var a = first.Order().ToArray();
        var b = second.Order().ToArray();
        int i = 0, j = 0;
        var d = 0.0;
        while (i < a.Length && j < b.Length)
        {
            var x = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] <= x)
            {
                i++;
            }

            while (j < b.Length && b[j] <= x)
            {
                j++;
            }

            d = Math.Max(d, Math.Abs(((double)i / a.Length) - ((double)j / b.Length)));
        }

        var ne = (double)a.Length * b.Length / (a.Length + b.Length);
        var sqrt = Math.Sqrt(ne);
        return (d, KolmogorovQ((sqrt + 0.12 + (0.11 / sqrt)) * d));
    }

    /// <summary>Q_KS(λ) = 2 Σ_{j≥1} (−1)^{j−1} e^{−2j²λ²}, the Kolmogorov distribution's survival function.</summary>
    internal static double KolmogorovQ(double lambda)
    {
        if (lambda < 1e-3)
        {
            return 1;
        }

        var sum = 0.0;
        var sign = 1.0;
        for (var j = 1; j <= 100; j++)
        {
            var term = sign * Math.Exp(-2 * j * j * lambda * lambda);
            sum += term;
            if (Math.Abs(term) < 1e-12 * Math.Abs(sum))
            {
                return Math.Clamp(2 * sum, 0, 1);
            }

            sign = -sign;
        }

        return 1;
    }

    private static double[] Histogram(IReadOnlyList<double> values, double[] edges)
    {
        var counts = new double[edges.Length + 1];
        foreach (var value in values)
        {
            // Bin k holds values in (edges[k-1], edges[k]]; the last bin everything above the last edge.
            var index = Array.BinarySearch(edges, value);
            counts[index >= 0 ? index : ~index]++;
        }

        return counts;
    }
}
