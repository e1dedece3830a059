using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace LlmStrategies;

/// <summary>
/// A <see cref="TimeSpan"/> (or <see langword="null"/>) between two bounds, for the source-generated options validator.
/// <see cref="RangeAttribute"/> with <c>typeof(TimeSpan)</c> parses its bounds through type converters, which trimming
/// cannot keep, and the generator's own copy ignores <see cref="ValidationAttribute.ErrorMessage"/>; this attribute compares ticks
/// and reports the error message written on the option.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class DurationRangeAttribute(double minimumSeconds, double maximumSeconds) : ValidationAttribute
{
    public TimeSpan Minimum { get; } = TimeSpan.FromSeconds(minimumSeconds);

    public TimeSpan Maximum { get; } = TimeSpan.FromSeconds(maximumSeconds);

    public override bool IsValid(object? value) => value is null || (value is TimeSpan span && span >= Minimum && span <= Maximum);

    public override string FormatErrorMessage(string name) => ErrorMessage is { Length: > 0 } message
        ? string.Format(CultureInfo.InvariantCulture, message, name)
        : string.Create(CultureInfo.InvariantCulture, $"{name} must be between {Minimum} and {Maximum}.");
}
