using System.Globalization;

namespace LlmStrategies.Tuning;

/// <summary>One value of a <see cref="SearchParameter"/>: an integer, a finite number, a text or a Boolean.</summary>
public readonly struct ParameterValue : IEquatable<ParameterValue>
{
    private readonly long _integer;
    private readonly double _number;
    private readonly string? _text;

    private ParameterValue(ParameterKind kind, long integer, double number, string? text)
    {
        Kind = kind;
        _integer = integer;
        _number = number;
        _text = text;
    }

    /// <summary>Gets the kind of the value.</summary>
    public ParameterKind Kind { get; }

    /// <summary>Compares two values.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(ParameterValue left, ParameterValue right) => left.Equals(right);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(ParameterValue left, ParameterValue right) => !left.Equals(right);

    /// <summary>An integer value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The parameter value.</returns>
    public static ParameterValue FromInteger(long value) => new(ParameterKind.WholeNumber, value, 0, null);

    /// <summary>A number value.</summary>
    /// <param name="value">The value; finite.</param>
    /// <returns>The parameter value.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is NaN or infinite.</exception>
    public static ParameterValue FromNumber(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A search parameter's number must be finite.");
        }

        // -0.0 and 0.0 are one setting; keep one of them so that equal settings have equal text.
        return new(ParameterKind.Number, 0, value == 0 ? 0.0 : value, null);
    }

    /// <summary>A text value.</summary>
    /// <param name="value">The value; not <see langword="null"/>.</param>
    /// <returns>The parameter value.</returns>
    public static ParameterValue FromText(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(ParameterKind.Text, 0, 0, value);
    }

    /// <summary>A Boolean value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The parameter value.</returns>
    public static ParameterValue FromBoolean(bool value) => new(ParameterKind.Boolean, value ? 1 : 0, 0, null);

    /// <summary>The value as an integer.</summary>
    /// <returns>The integer.</returns>
    /// <exception cref="InvalidOperationException">The value is not an integer.</exception>
    public long AsInteger() => Kind == ParameterKind.WholeNumber ? _integer : throw WrongKind(ParameterKind.WholeNumber);

    /// <summary>The value as a number (integers convert).</summary>
    /// <returns>The number.</returns>
    /// <exception cref="InvalidOperationException">The value is neither a number nor an integer.</exception>
    public double AsNumber() => Kind switch
    {
        ParameterKind.Number => _number,
        ParameterKind.WholeNumber => _integer,
        _ => throw WrongKind(ParameterKind.Number),
    };

    /// <summary>The value as text.</summary>
    /// <returns>The text.</returns>
    /// <exception cref="InvalidOperationException">The value is not a text.</exception>
    public string AsText() => Kind == ParameterKind.Text ? _text! : throw WrongKind(ParameterKind.Text);

    /// <summary>The value as a Boolean.</summary>
    /// <returns>The Boolean.</returns>
    /// <exception cref="InvalidOperationException">The value is not a Boolean.</exception>
    public bool AsBoolean() => Kind == ParameterKind.Boolean ? _integer != 0 : throw WrongKind(ParameterKind.Boolean);

    /// <inheritdoc/>
    public bool Equals(ParameterValue other) =>
        Kind == other.Kind && _integer == other._integer && _number.Equals(other._number) && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ParameterValue other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, _integer, _number, _text is null ? 0 : StringComparer.Ordinal.GetHashCode(_text));

    /// <summary>The canonical text: integers and numbers in the invariant culture (numbers round-trip), Booleans as true/false, texts as they are.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Kind switch
    {
        ParameterKind.WholeNumber => _integer.ToString(CultureInfo.InvariantCulture),
        ParameterKind.Number => _number.ToString("R", CultureInfo.InvariantCulture),
        ParameterKind.Boolean => _integer != 0 ? "true" : "false",
        _ => _text ?? string.Empty,
    };

    /// <summary>Converts a CLR value (int, long, double, float, string, bool or an enum member) to a parameter value of <paramref name="kind"/>.</summary>
    internal static ParameterValue Convert(object value, ParameterKind kind, string parameter)
    {
        ArgumentNullException.ThrowIfNull(value);
        return (kind, value) switch
        {
            (ParameterKind.WholeNumber, int i) => FromInteger(i),
            (ParameterKind.WholeNumber, long l) => FromInteger(l),
            (ParameterKind.Number, double d) => FromNumber(d),
            (ParameterKind.Number, float f) => FromNumber(f),
            (ParameterKind.Number, int i) => FromNumber(i),
            (ParameterKind.Number, long l) => FromNumber(l),
            (ParameterKind.Text, string s) => FromText(s),
            (ParameterKind.Text, Enum e) => FromText(e.ToString()),
            (ParameterKind.Boolean, bool b) => FromBoolean(b),
            (_, ParameterValue p) when p.Kind == kind || (kind == ParameterKind.Number && p.Kind == ParameterKind.WholeNumber) => kind == p.Kind ? p : FromNumber(p.AsNumber()),
            _ => throw new ArgumentException($"Parameter '{parameter}' takes {kind} values; {value} ({value.GetType().Name}) is not one.", nameof(value)),
        };
    }

    private InvalidOperationException WrongKind(ParameterKind wanted) =>
        new($"The parameter value '{this}' is of kind {Kind}, not {wanted}; read it with the accessor of its kind.");
}
