namespace LlmStrategies.Evaluation.Analysis;

/// <summary>Adjusted p-values for a family of tests: reject the hypotheses whose adjusted p is below alpha.</summary>
internal static class MultipleComparisons
{
    public static double[] Adjust(IReadOnlyList<double> pValues, MultipleComparisonCorrection correction) => correction switch
    {
        MultipleComparisonCorrection.Holm => Holm(pValues),
        _ => BenjaminiHochberg(pValues),
    };

    /// <summary>
    /// Benjamini–Hochberg (1995): with p sorted ascending, adjusted p₍ᵢ₎ = min over j ≥ i of min(1, m·p₍ⱼ₎ / j) (the
    /// step-up form R's <c>p.adjust(method = "BH")</c> returns).
    /// </summary>
    public static double[] BenjaminiHochberg(IReadOnlyList<double> pValues)
    {
        var m = pValues.Count;
        var order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ThenBy(i => i).ToArray();
        var adjusted = new double[m];
        var running = 1.0;
        for (var rank = m; rank >= 1; rank--)
        {
            var i = order[rank - 1];
            running = Math.Min(running, Math.Min(1, pValues[i] * m / rank));
            adjusted[i] = running;
        }

        return adjusted;
    }

    /// <summary>
    /// Holm (1979): with p sorted ascending, adjusted p₍ᵢ₎ = max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎) (R's
    /// <c>p.adjust(method = "holm")</c>).
    /// </summary>
    public static double[] Holm(IReadOnlyList<double> pValues)
    {
        var m = pValues.Count;
        var order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ThenBy(i => i).ToArray();
        var adjusted = new double[m];
        var running = 0.0;
        for (var rank = 1; rank <= m; rank++)
        {
            var i = order[rank - 1];
            running = Math.Max(running, Math.Min(1, (m - rank + 1) * pValues[i]));
            adjusted[i] = running;
        }

        return adjusted;
    }

    public static string Describe(MultipleComparisonCorrection correction) => correction switch
    {
        MultipleComparisonCorrection.Holm => "Holm (family-wise error rate)",
        _ => "Benjamini–Hochberg (false discovery rate)",
    };
}
