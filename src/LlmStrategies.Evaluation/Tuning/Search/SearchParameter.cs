namespace LlmStrategies.Tuning;

/// <summary>One setting a search may change, with the values it may take, in the order they are tried.</summary>
public sealed class SearchParameter
{
    internal SearchParameter(string name, ParameterKind kind, IReadOnlyList<ParameterValue> values)
    {
        Name = name;
        Kind = kind;
        Values = values;
    }

    /// <summary>Gets the parameter's name (letters, digits, '.', '_' or '-'; for example "retrieval.top").</summary>
    public string Name { get; }

    /// <summary>Gets the kind of every value.</summary>
    public ParameterKind Kind { get; }

    /// <summary>Gets the values, in declaration order (the grid's order).</summary>
    public IReadOnlyList<ParameterValue> Values { get; }

    /// <summary>Creates a parameter, checking the name and that the values are of one kind, present and distinct.</summary>
    internal static SearchParameter Create(string name, ParameterKind kind, IEnumerable<ParameterValue> values)
    {
        ValidateName(name);
        var list = values.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException($"Parameter '{name}' has no values; give it at least one.", nameof(values));
        }

        var seen = new HashSet<ParameterValue>();
        foreach (var value in list)
        {
            if (value.Kind != kind)
            {
                throw new ArgumentException($"Parameter '{name}' is {kind} but the value '{value}' is {value.Kind}.", nameof(values));
            }

            if (!seen.Add(value))
            {
                throw new ArgumentException($"Parameter '{name}' lists the value '{value}' twice; every value must be distinct.", nameof(values));
            }
        }

        return new SearchParameter(name, kind, list);
    }

    /// <summary>Names follow fingerprint setting names, so that a point can be written into a fingerprint as it is.</summary>
    internal static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                throw new ArgumentException($"Parameter name '{name}' contains '{c}'; use letters, digits, '.', '_' or '-'.", nameof(name));
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Kind}): {string.Join(", ", Values)}";
}
