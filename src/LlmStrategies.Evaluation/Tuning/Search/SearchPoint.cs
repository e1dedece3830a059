using System.Globalization;
using System.Text;

namespace LlmStrategies.Tuning;

/// <summary>
/// One configuration of a <see cref="SearchSpace"/>: a value for every parameter, in the space's order, optionally with
/// a set of demonstrations chosen by <see cref="DemonstrationBootstrapper"/>. Two points are equal when their
/// <see cref="Id"/>s are.
/// </summary>
public sealed class SearchPoint : IEquatable<SearchPoint>
{
    internal SearchPoint(IReadOnlyList<KeyValuePair<string, ParameterValue>> values, DemonstrationSet? demonstrations)
    {
        Values = values;
        Demonstrations = demonstrations;
        var id = new StringBuilder();
        foreach (var (name, value) in values)
        {
            id.Append(id.Length == 0 ? string.Empty : "; ").Append(name).Append('=').Append(value.ToString());
        }

        if (demonstrations is not null)
        {
            id.Append(id.Length == 0 ? string.Empty : "; ").Append("demonstrations=").Append(demonstrations.Id);
        }

        Id = id.ToString();
    }

    /// <summary>Gets the (parameter, value) pairs, in the space's parameter order.</summary>
    public IReadOnlyList<KeyValuePair<string, ParameterValue>> Values { get; }

    /// <summary>Gets the demonstrations attached to this point, or <see langword="null"/>.</summary>
    public DemonstrationSet? Demonstrations { get; }

    /// <summary>Gets the canonical text of the point, for example "retrieval.top=3; fusion.method=ZScore".</summary>
    public string Id { get; }

    /// <summary>Gets a parameter's value.</summary>
    /// <param name="name">The parameter.</param>
    /// <returns>The value.</returns>
    /// <exception cref="KeyNotFoundException">The point has no such parameter.</exception>
    public ParameterValue this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            foreach (var (key, value) in Values)
            {
                if (key == name)
                {
                    return value;
                }
            }

            throw new KeyNotFoundException($"The point has no parameter '{name}' (it has: {string.Join(", ", Values.Select(v => v.Key))}).");
        }
    }

    /// <summary>Compares two points.</summary>
    /// <param name="left">The first point.</param>
    /// <param name="right">The second point.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(SearchPoint? left, SearchPoint? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Compares two points.</summary>
    /// <param name="left">The first point.</param>
    /// <param name="right">The second point.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(SearchPoint? left, SearchPoint? right) => !(left == right);

    /// <summary>Gets an integer parameter as <see cref="int"/>.</summary>
    /// <param name="name">The parameter.</param>
    /// <returns>The value.</returns>
    public int GetInt32(string name) => checked((int)this[name].AsInteger());

    /// <summary>Gets a number parameter (integers convert).</summary>
    /// <param name="name">The parameter.</param>
    /// <returns>The value.</returns>
    public double GetDouble(string name) => this[name].AsNumber();

    /// <summary>Gets a text parameter.</summary>
    /// <param name="name">The parameter.</param>
    /// <returns>The value.</returns>
    public string GetString(string name) => this[name].AsText();

    /// <summary>Gets a Boolean parameter.</summary>
    /// <param name="name">The parameter.</param>
    /// <returns>The value.</returns>
    public bool GetBoolean(string name) => this[name].AsBoolean();

    /// <summary>Gets a parameter declared with <see cref="SearchSpace.AddEnum{TEnum}"/>.</summary>
    /// <typeparam name="TEnum">The enum.</typeparam>
    /// <param name="name">The parameter.</param>
    /// <returns>The member.</returns>
    /// <exception cref="InvalidOperationException">The value is not a member name of <typeparamref name="TEnum"/>.</exception>
    public TEnum GetEnum<TEnum>(string name)
        where TEnum : struct, Enum
    {
        var text = GetString(name);
        return Enum.TryParse<TEnum>(text, ignoreCase: false, out var value) && Enum.IsDefined(value) && !char.IsAsciiDigit(text[0]) && text[0] != '-'
            ? value
            : throw new InvalidOperationException($"Parameter '{name}' is '{text}', which is not a member of {typeof(TEnum).Name}.");
    }

    /// <summary>A copy of this point with <paramref name="demonstrations"/> attached (replacing any).</summary>
    /// <param name="demonstrations">The demonstrations.</param>
    /// <returns>The new point.</returns>
    public SearchPoint WithDemonstrations(DemonstrationSet demonstrations)
    {
        ArgumentNullException.ThrowIfNull(demonstrations);
        return new SearchPoint(Values, demonstrations);
    }

    /// <summary>The point as name → canonical text, for reports.</summary>
    /// <returns>The values as text.</returns>
    public IReadOnlyDictionary<string, string> ToDictionary()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in Values)
        {
            values[name] = value.ToString();
        }

        if (Demonstrations is not null)
        {
            values["demonstrations"] = string.Create(CultureInfo.InvariantCulture, $"{Demonstrations.Id} ({Demonstrations.Examples.Count} examples)");
        }

        return values;
    }

    /// <inheritdoc/>
    public bool Equals(SearchPoint? other) => other is not null && string.Equals(Id, other.Id, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SearchPoint);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Id);

    /// <inheritdoc/>
    public override string ToString() => Id;
}
