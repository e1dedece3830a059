namespace LlmStrategies.Evaluation.Statistics;

/// <summary>
/// Significance tests and effect sizes for two strategies scored on the same items: the paired permutation
/// (sign-flip) test for any metric, McNemar's test for binary metrics, and Cohen's d for paired samples.
/// </summary>
internal static class PairedTests
{
    /// <summary>Below this many items every sign pattern is enumerated (2^n patterns) instead of sampled.</summary>
    public const int ExactPermutationLimit = 16;

    /// <summary>
    /// The paired permutation test of H0 "A and B are exchangeable on every item": each per-item difference aᵢ − bᵢ
    /// keeps or flips its sign at random, and the p-value is the share of sign patterns whose |mean| is at least the
    /// observed |mean|. With at most <see cref="ExactPermutationLimit"/> items every pattern is enumerated (an exact
    /// p-value); otherwise <paramref name="resamples"/> seeded patterns are drawn and p = (hits + 1) / (resamples + 1),
    /// which never reports 0.
    /// </summary>
    /// <param name="a">Scores of A, item by item.</param>
    /// <param name="b">Scores of B on the same items, in the same order.</param>
    /// <param name="seed">The random seed (unused when the test is exact).</param>
    /// <param name="resamples">The number of random sign patterns. Default 10,000.</param>
    /// <returns>The mean difference (A − B) as the statistic and the two-sided p-value.</returns>
    public static HypothesisTest Permutation(IReadOnlyList<double> a, IReadOnlyList<double> b, int seed, int resamples = 10_000)
    {
        var d = Differences(a, b);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(resamples);
        var n = d.Length;
        var observed = Math.Abs(d.Sum());

        // Sums are compared with a relative tolerance so that floating-point noise in equal sums does not change the count.
        var tolerance = 1e-9 * Math.Max(1, d.Sum(Math.Abs));
        if (n <= ExactPermutationLimit)
        {
            var patterns = 1L << n;
            var hits = 0L;
            for (var mask = 0L; mask < patterns; mask++)
            {
                var sum = 0.0;
                for (var i = 0; i < n; i++)
                {
                    sum += (mask & (1L << i)) != 0 ? -d[i] : d[i];
                }

                if (Math.Abs(sum) >= observed - tolerance)
                {
                    hits++;
                }
            }

            return new HypothesisTest("paired permutation (sign-flip, exact)", d.Average(), (double)hits / patterns);
        }

        var random = new Random(seed);
        var count = 0;
        for (var r = 0; r < resamples; r++)
        {
            var sum = 0.0;
            for (var i = 0; i < n; i++)
            {
                sum += random.Next(2) == 0 ? d[i] : -d[i];
            }

            if (Math.Abs(sum) >= observed - tolerance)
            {
                count++;
            }
        }

        return new HypothesisTest("paired permutation (sign-flip, sampled)", d.Average(), (count + 1.0) / (resamples + 1.0));
    }

    /// <summary>
    /// McNemar's test for paired binary outcomes. Only the discordant items count: b = items A got right and B wrong,
    /// c = the reverse. With b + c below <paramref name="exactBelow"/> the p-value is the exact two-sided binomial test of
    /// b against Binomial(b + c, ½), p = min(1, 2·P(X ≤ min(b, c))); otherwise it is the χ² test with Edwards' continuity
    /// correction, χ² = (|b − c| − 1)² / (b + c) with one degree of freedom.
    /// </summary>
    /// <param name="a">Whether A was right, item by item.</param>
    /// <param name="b">Whether B was right on the same items.</param>
    /// <param name="exactBelow">Discordant counts below this use the exact test. Default 25 (a common rule of thumb).</param>
    /// <returns>The result: the statistic is χ² (or min(b, c) for the exact test).</returns>
    public static HypothesisTest McNemar(IReadOnlyList<bool> a, IReadOnlyList<bool> b, int exactBelow = 25)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"Paired outcomes need the same items: {a.Count} against {b.Count}.", nameof(b));
        }

        int onlyA = 0, onlyB = 0;
        for (var i = 0; i < a.Count; i++)
        {
            if (a[i] && !b[i])
            {
                onlyA++;
            }
            else if (!a[i] && b[i])
            {
                onlyB++;
            }
        }

        return McNemar(onlyA, onlyB, exactBelow);
    }

    /// <summary>McNemar's test from the discordant counts (see <see cref="McNemar(IReadOnlyList{bool}, IReadOnlyList{bool}, int)"/>).</summary>
    /// <param name="onlyA">Items A got right and B wrong.</param>
    /// <param name="onlyB">Items B got right and A wrong.</param>
    /// <param name="exactBelow">Discordant counts below this use the exact binomial test.</param>
    /// <returns>The result.</returns>
    public static HypothesisTest McNemar(int onlyA, int onlyB, int exactBelow = 25)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(onlyA);
        ArgumentOutOfRangeException.ThrowIfNegative(onlyB);
        var n = onlyA + onlyB;
        if (n == 0)
        {
            return new HypothesisTest("McNemar (no discordant pairs)", 0, 1);
        }

        if (n < exactBelow)
        {
            var k = Math.Min(onlyA, onlyB);
            return new HypothesisTest("McNemar (exact binomial)", k, Math.Min(1, 2 * BinomialCdfHalf(k, n)));
        }

        var chi = Math.Pow(Math.Max(0, Math.Abs(onlyA - onlyB) - 1), 2) / n;
        return new HypothesisTest("McNemar (χ², continuity-corrected)", chi, ChiSquareOneDfSurvival(chi));
    }

    /// <summary>
    /// The paired permutation test when items come in groups that are not independent: the signs of whole groups' summed
    /// differences are flipped together (exactly when there are at most <see cref="ExactPermutationLimit"/> groups), so
    /// correlated items do not count as independent evidence. With one item per group it is <see cref="Permutation"/>.
    /// </summary>
    /// <param name="a">Scores of A.</param>
    /// <param name="b">Scores of B on the same items.</param>
    /// <param name="groups">Each item's group.</param>
    /// <param name="seed">The random seed of the sampled test.</param>
    /// <param name="resamples">Random sign patterns when there are too many groups for the exact test.</param>
    /// <returns>The test: statistic = mean difference per item; two-sided p-value.</returns>
    public static HypothesisTest ClusterPermutation(IReadOnlyList<double> a, IReadOnlyList<double> b, IReadOnlyList<string> groups, int seed, int resamples = 10_000)
    {
        var d = Differences(a, b);
        if (groups.Count != d.Length)
        {
            throw new ArgumentException($"Every item needs its group: {d.Length} items but {groups.Count} groups.", nameof(groups));
        }

        var (sums, _) = Bootstrap.GroupTotals(d, groups);
        var test = Permutation(sums, new double[sums.Length], seed, resamples);
        var method = test.Method.Replace("paired permutation (sign-flip", "cluster permutation (sign-flip by group", StringComparison.Ordinal);
        return new HypothesisTest(method, d.Average(), test.PValue);
    }

    /// <summary>
    /// Holm's step-down adjustment of p-values for a family of tests (Holm, 1979): the i-th smallest p-value is
    /// multiplied by (m − i + 1), made non-decreasing, and capped at 1. Controls the family-wise error rate.
    /// </summary>
    /// <param name="pValues">The raw p-values.</param>
    /// <returns>The adjusted p-values, in the order given.</returns>
    public static double[] Holm(IReadOnlyList<double> pValues)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        var m = pValues.Count;
        var order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ThenBy(i => i).ToArray();
        var adjusted = new double[m];
        var running = 0.0;
        for (var rank = 0; rank < m; rank++)
        {
            running = Math.Max(running, Math.Min(1, (m - rank) * pValues[order[rank]]));
            adjusted[order[rank]] = running;
        }

        return adjusted;
    }

    /// <summary>
    /// Cohen's d for paired samples (d_z): the mean of the differences divided by their sample standard deviation
    /// (n − 1). Undefined (<see langword="null"/>, with the reason in <paramref name="undefinedBecause"/>) when the
    /// differences have no spread: every difference equal (d_z would be 0/0 or ±∞) or fewer than two items.
    /// </summary>
    /// <param name="a">Scores of A.</param>
    /// <param name="b">Scores of B on the same items.</param>
    /// <param name="undefinedBecause">Why d_z is undefined, or <see langword="null"/>.</param>
    /// <returns>d_z, or <see langword="null"/>.</returns>
    public static double? CohensDz(IReadOnlyList<double> a, IReadOnlyList<double> b, out string? undefinedBecause)
    {
        var d = Differences(a, b);
        var mean = d.Average();
        if (d.Length < 2)
        {
            undefinedBecause = "undefined: one paired item has no spread to scale by";
            return null;
        }

        var variance = d.Sum(x => (x - mean) * (x - mean)) / (d.Length - 1);
        if (variance == 0)
        {
            undefinedBecause = mean == 0
                ? "undefined: the two strategies scored every item the same (0/0)"
                : "undefined: every item differs by the same amount, so the differences have no spread (±∞)";
            return null;
        }

        undefinedBecause = null;
        return mean / Math.Sqrt(variance);
    }

    /// <summary>P(X ≤ k) for X ~ Binomial(n, ½), summed in log space so large n does not underflow.</summary>
    internal static double BinomialCdfHalf(int k, int n)
    {
        var logHalfN = n * Math.Log(0.5);
        var logChoose = 0.0; // log C(n, 0)
        var total = 0.0;
        for (var i = 0; i <= k; i++)
        {
            if (i > 0)
            {
                logChoose += Math.Log(n - i + 1) - Math.Log(i);
            }

            total += Math.Exp(logChoose + logHalfN);
        }

        return total;
    }

    /// <summary>P(χ²₁ ≥ x) = erfc(√(x/2)).</summary>
    internal static double ChiSquareOneDfSurvival(double x) => x <= 0 ? 1 : Erfc(Math.Sqrt(x / 2));

    /// <summary>
    /// The complementary error function by the Chebyshev-fitted approximation of Numerical Recipes in C (2nd ed., §6.2, <c>erfcc</c>),
    /// relative error below 1.2e-7 everywhere.
    /// </summary>
    internal static double Erfc(double z)
    {
        if (z < 0)
        {
            return 2 - Erfc(-z);
        }

        var t = 1 / (1 + (0.5 * z));
        var poly = -(z * z) - 1.26551223 + (t * (1.00002368 + (t * (0.37409196 + (t * (0.09678418 + (t * (-0.18628806 + (t * (0.27886807 + (t * (-1.13520398 + (t * (1.48851587 + (t * (-0.82215223 + (t * 0.17087277)))))))))))))))));
        return t * Math.Exp(poly);
    }

    private static double[] Differences(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"Paired scores need the same items: {a.Count} scores against {b.Count}.", nameof(b));
        }

        if (a.Count == 0)
        {
            throw new ArgumentException("A paired test needs at least one item.", nameof(a));
        }

        var d = new double[a.Count];
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = a[i] - b[i];
        }

        return d;
    }
}
