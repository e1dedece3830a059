using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace LlmStrategies;

/// <summary>
/// A number (or <see langword="null"/>) between two bounds, for the source-generated options validators. It replaces
/// <see cref="RangeAttribute"/> because the generator swaps that one for its own copy, which ignores
/// <see cref="ValidationAttribute.ErrorMessage"/> (dotnet/runtime#123137), so the message written on the option (its
/// configuration key, allowed values and an example) would never reach the user. NaN is never in range.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ValueRangeAttribute(double minimum, double maximum) : ValidationAttribute
{
    public double Minimum { get; } = minimum;

    public double Maximum { get; } = maximum;

    /// <summary>Gets or sets a value indicating whether the minimum itself is out of range.</summary>
    public bool MinimumIsExclusive { get; set; }

    /// <summary>Gets or sets a value indicating whether the maximum itself is out of range.</summary>
    public bool MaximumIsExclusive { get; set; }

    public override bool IsValid(object? value)
    {
        if (value is null)
        {
            return true;
        }

        var number = value switch
        {
            int i => i,
            long l => l,
            double d => d,
            float f => f,
            decimal m => (double)m,
            _ => double.NaN,
        };
        return (MinimumIsExclusive ? number > Minimum : number >= Minimum) && (MaximumIsExclusive ? number < Maximum : number <= Maximum);
    }

    public override string FormatErrorMessage(string name) => ErrorMessage is { Length: > 0 } message
        ? message
        : string.Create(CultureInfo.InvariantCulture, $"{name} must be between {Minimum}{(MinimumIsExclusive ? " (exclusive)" : string.Empty)} and {Maximum}{(MaximumIsExclusive ? " (exclusive)" : string.Empty)}.");
}
