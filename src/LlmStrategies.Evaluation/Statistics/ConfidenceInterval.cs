using System.Globalization;

namespace LlmStrategies.Evaluation.Statistics;

/// <summary>A point estimate with a confidence interval.</summary>
public readonly struct ConfidenceInterval : IEquatable<ConfidenceInterval>
{
    /// <summary>Creates an interval.</summary>
    /// <param name="estimate">The point estimate.</param>
    /// <param name="lower">The lower bound.</param>
    /// <param name="upper">The upper bound.</param>
    /// <param name="level">The confidence level, for example 0.95.</param>
    public ConfidenceInterval(double estimate, double lower, double upper, double level)
    {
        Estimate = estimate;
        Lower = lower;
        Upper = upper;
        Level = level;
    }

    /// <summary>Gets the point estimate.</summary>
    public double Estimate { get; }

    /// <summary>Gets the lower bound.</summary>
    public double Lower { get; }

    /// <summary>Gets the upper bound.</summary>
    public double Upper { get; }

    /// <summary>Gets the confidence level.</summary>
    public double Level { get; }

    /// <summary>Compares two intervals.</summary>
    /// <param name="left">The first interval.</param>
    /// <param name="right">The second interval.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(ConfidenceInterval left, ConfidenceInterval right) => left.Equals(right);

    /// <summary>Compares two intervals.</summary>
    /// <param name="left">The first interval.</param>
    /// <param name="right">The second interval.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(ConfidenceInterval left, ConfidenceInterval right) => !left.Equals(right);

    /// <summary>Gets a value indicating whether the interval contains <paramref name="value"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns><see langword="true"/> when Lower ≤ value ≤ Upper.</returns>
    public bool Contains(double value) => Lower <= value && value <= Upper;

    /// <inheritdoc/>
    public bool Equals(ConfidenceInterval other) =>
        Estimate.Equals(other.Estimate) && Lower.Equals(other.Lower) && Upper.Equals(other.Upper) && Level.Equals(other.Level);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ConfidenceInterval other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Estimate, Lower, Upper, Level);

    /// <summary>Formats as "estimate [lower, upper]".</summary>
    /// <param name="format">The number format, for example "F3".</param>
    /// <returns>The text.</returns>
    public string ToString(string format) => string.Create(CultureInfo.InvariantCulture, $"{Estimate.ToString(format, CultureInfo.InvariantCulture)} [{Lower.ToString(format, CultureInfo.InvariantCulture)}, {Upper.ToString(format, CultureInfo.InvariantCulture)}]");

    /// <inheritdoc/>
    public override string ToString() => ToString("G4");
}
