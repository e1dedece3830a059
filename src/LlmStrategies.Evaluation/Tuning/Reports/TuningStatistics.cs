using LlmStrategies.Evaluation.Statistics;

namespace LlmStrategies.Tuning;

/// <summary>The intervals and paired tests of the tuning reports: percentile bootstrap for means and paired differences, the paired permutation test for p-values.</summary>
internal static class TuningStatistics
{
    public static ScoreSummary Summarize(IEnumerable<double?> values, TuningReportSettings settings)
    {
        var present = values.Where(v => v is not null).Select(v => v!.Value).ToArray();
        if (present.Length == 0)
        {
            return new ScoreSummary { Mean = double.NaN, Lower = double.NaN, Upper = double.NaN, Items = 0 };
        }

        var interval = Bootstrap.Mean(present, settings.Seed, settings.Resamples, settings.ConfidenceLevel);
        return new ScoreSummary { Mean = interval.Estimate, Lower = interval.Lower, Upper = interval.Upper, Items = present.Length };
    }

    /// <summary>a − b on the items where both have a value.</summary>
    public static PairedComparison Compare(IReadOnlyList<double?> a, IReadOnlyList<double?> b, TuningReportSettings settings)
    {
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"Paired scores need the same items: {a.Count} against {b.Count}.", nameof(b));
        }

        var pairs = a.Zip(b).Where(p => p.First is not null && p.Second is not null).Select(p => (A: p.First!.Value, B: p.Second!.Value)).ToArray();
        if (pairs.Length == 0)
        {
            return new PairedComparison { Difference = double.NaN, Lower = double.NaN, Upper = double.NaN, PValue = double.NaN, Items = 0, Test = "none (no paired items)" };
        }

        var left = pairs.Select(p => p.A).ToArray();
        var right = pairs.Select(p => p.B).ToArray();
        var interval = Bootstrap.PairedDifference(left, right, settings.Seed, settings.Resamples, settings.ConfidenceLevel);
        var test = PairedTests.Permutation(left, right, settings.Seed, settings.Resamples);
        return new PairedComparison
        {
            Difference = interval.Estimate,
            Lower = interval.Lower,
            Upper = interval.Upper,
            PValue = test.PValue,
            Test = test.Method,
            Items = pairs.Length,
            Significant = test.PValue < settings.Alpha && (interval.Lower > 0 || interval.Upper < 0),
        };
    }

    public static IReadOnlyList<double?> Nullable(IReadOnlyList<double> values) => values.Select(v => (double?)v).ToArray();
}
