using LlmStrategies.Evaluation.Statistics;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>Builds <see cref="LengthDistribution"/>s: type-7 quantiles (as the reports use everywhere) and an equal-width histogram.</summary>
internal static class Distributions
{
    public const int Bins = 10;

    public static LengthDistribution Of(IReadOnlyList<int> values)
    {
        if (values.Count == 0)
        {
            return new LengthDistribution { Count = 0, Mean = double.NaN, Min = double.NaN, P25 = double.NaN, Median = double.NaN, P75 = double.NaN, P95 = double.NaN, Max = double.NaN };
        }

        var sorted = new double[values.Count];
        var sum = 0.0;
        for (var i = 0; i < sorted.Length; i++)
        {
            sorted[i] = values[i];
            sum += values[i];
        }

        Array.Sort(sorted);
        double min = sorted[0], max = sorted[^1];
        return new LengthDistribution
        {
            Count = sorted.Length,
            Mean = sum / sorted.Length,
            Min = min,
            P25 = Bootstrap.Percentile(sorted, 0.25),
            Median = Bootstrap.Percentile(sorted, 0.50),
            P75 = Bootstrap.Percentile(sorted, 0.75),
            P95 = Bootstrap.Percentile(sorted, 0.95),
            Max = max,
            Histogram = Histogram(sorted, min, max),
        };
    }

    /// <summary>Equal-width bins over [min, max]; a value on a boundary belongs to the lower bin, so bin b holds (upper(b−1), upper(b)].</summary>
    private static HistogramBin[] Histogram(double[] sorted, double min, double max)
    {
        if (max == min)
        {
            return [new HistogramBin { Upper = max, Count = sorted.Length }];
        }

        var width = (max - min) / Bins;
        var counts = new int[Bins];
        foreach (var v in sorted)
        {
            var bin = (int)Math.Ceiling((v - min) / width) - 1;
            counts[Math.Clamp(bin, 0, Bins - 1)]++;
        }

        return counts.Select((c, b) => new HistogramBin { Upper = b == Bins - 1 ? max : min + ((b + 1) * width), Count = c }).ToArray();
    }
}
