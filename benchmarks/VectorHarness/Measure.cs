using System.Diagnostics;
using System.Globalization;

namespace VectorHarness;

/// <summary>Timed repetitions: one warm-up, then REPS timed runs; the median, min and max of a rate, and the bytes allocated.</summary>
internal static class Measure
{
    /// <summary>Runs <paramref name="body"/> once to warm up and <paramref name="reps"/> times timed; returns per-run rates (operations / second).</summary>
    public static Sample Rate(int reps, double operations, Action body)
    {
        body();
        var rates = new double[reps];
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        for (var r = 0; r < reps; r++)
        {
            var watch = Stopwatch.StartNew();
            body();
            rates[r] = operations / watch.Elapsed.TotalSeconds;
        }

        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        return new Sample(rates, bytes / (reps * operations));
    }

    public static string F(double value, int digits = 1) => value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}

/// <summary>Per-repetition rates and the bytes allocated per operation over the timed repetitions.</summary>
internal sealed class Sample(double[] rates, double bytesPerOperation)
{
    public double[] Rates { get; } = rates;

    public double BytesPerOperation { get; } = bytesPerOperation;

    public double Median
    {
        get
        {
            var sorted = Rates.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        }
    }

    /// <summary>"median X (min Y max Z, R reps)" with <paramref name="digits"/> decimals.</summary>
    public string Describe(int digits = 1) =>
        $"median {Measure.F(Median, digits)} (min {Measure.F(Rates.Min(), digits)} max {Measure.F(Rates.Max(), digits)}, {Rates.Length} reps)";
}
