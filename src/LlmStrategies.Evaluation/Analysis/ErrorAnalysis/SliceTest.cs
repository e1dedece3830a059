namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// The one-sided permutation test of "this slice scores lower than the rest": under H0 slice membership is exchangeable,
/// so the slice's sum is compared with the sums of random subsets of the same size drawn without replacement from all
/// scored items. p = (hits + 1) / (resamples + 1), where a hit is a random subset whose sum is at most the slice's.
/// Deterministic for a seed.
/// </summary>
internal static class SliceTest
{
    public const string Description = "one-sided permutation test (slice mean against random subsets of the same size, without replacement)";

    public static double LowerTail(double[] all, double sliceSum, int sliceSize, int seed, int resamples)
    {
        if (sliceSize <= 0 || sliceSize >= all.Length)
        {
            return 1;
        }

        var pool = (double[])all.Clone();
        var random = new Random(seed);
        var tolerance = 1e-9 * Math.Max(1, Math.Abs(sliceSum));
        var hits = 0;
        for (var r = 0; r < resamples; r++)
        {
            // A partial Fisher–Yates shuffle: the first sliceSize entries become a uniform random subset. The pool stays a
            // permutation of the values, so shuffling it again (without resetting) is still uniform.
            var sum = 0.0;
            for (var i = 0; i < sliceSize; i++)
            {
                var j = random.Next(i, pool.Length);
                (pool[i], pool[j]) = (pool[j], pool[i]);
                sum += pool[i];
            }

            if (sum <= sliceSum + tolerance)
            {
                hits++;
            }
        }

        return (hits + 1.0) / (resamples + 1.0);
    }
}
