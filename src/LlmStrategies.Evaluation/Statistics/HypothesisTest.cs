using System.Globalization;

namespace LlmStrategies.Evaluation.Statistics;

/// <summary>The outcome of a two-sided paired test between strategies A and B.</summary>
internal sealed class HypothesisTest
{
    /// <summary>Creates a result.</summary>
    /// <param name="method">The test's name, for example "paired permutation (sign-flip, exact)".</param>
    /// <param name="statistic">The test statistic.</param>
    /// <param name="pValue">The two-sided p-value.</param>
    public HypothesisTest(string method, double statistic, double pValue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        Method = method;
        Statistic = statistic;
        PValue = pValue;
    }

    /// <summary>Gets the test's name and variant.</summary>
    public string Method { get; }

    /// <summary>Gets the test statistic (the mean difference for the permutation test, χ² or the smaller discordant count for McNemar).</summary>
    public double Statistic { get; }

    /// <summary>Gets the two-sided p-value.</summary>
    public double PValue { get; }

    /// <summary>Gets a value indicating whether the p-value is below <paramref name="alpha"/>.</summary>
    /// <param name="alpha">The significance level, for example 0.05.</param>
    /// <returns><see langword="true"/> when significant.</returns>
    public bool IsSignificant(double alpha = 0.05) => PValue < alpha;

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Method}: statistic {Statistic:G4}, p = {PValue:G3}");
}
