using System.Globalization;

namespace LlmStrategies.Cli.Configuration;

/// <summary>Typed access to <see cref="ConfigNode"/>s that records every problem (with its position and a fix) instead of stopping at the first.</summary>
internal sealed class ConfigNodeReader(string file)
{
    private readonly List<ConfigError> _errors = [];

    public string File { get; } = file;

    public IReadOnlyList<ConfigError> Errors => _errors;

    public void Error(ConfigNode node, string message, string fix) => _errors.Add(new ConfigError(File, node.Position, message, fix));

    public void Error(SourcePosition position, string message, string fix) => _errors.Add(new ConfigError(File, position, message, fix));

    public ConfigMap? Map(ConfigNode? node, string what)
    {
        if (node is null or ConfigScalar { Value: null })
        {
            return null;
        }

        if (node is ConfigMap map)
        {
            return map;
        }

        Error(node, $"{what} must be a mapping of settings, not {node.Kind}.", $"write it as indented 'key: value' lines under '{what}'.");
        return null;
    }

    /// <summary>Reports every key of <paramref name="map"/> that is not allowed, suggesting the nearest allowed one.</summary>
    public void OnlyKeys(ConfigMap map, string where, params string[] allowed)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, _) in map.Entries)
        {
            var name = key.Value ?? string.Empty;
            if (!seen.Add(name))
            {
                Error(key, $"'{name}' is set twice in {where}.", "keep one of them.");
            }
            else if (!allowed.Contains(name, StringComparer.Ordinal) && name != "$schema")
            {
                var nearest = allowed.OrderBy(a => Distance(a, name)).First();
                Error(key, $"unknown setting '{name}' in {where}.", Distance(nearest, name) <= Math.Max(2, name.Length / 3)
                    ? $"did you mean '{nearest}'? (allowed: {string.Join(", ", allowed)})"
                    : $"remove it; the settings allowed here are {string.Join(", ", allowed)}.");
            }
        }
    }

    public string? String(ConfigMap? map, string key, string where, bool required = false, string? requiredFix = null)
    {
        var node = map?[key];
        if (node is null or ConfigScalar { Value: null })
        {
            if (required)
            {
                Error(node?.Position ?? map?.Position ?? new SourcePosition(1, 1), $"{where}.{key} is required.", requiredFix ?? $"add '{key}: ...' to {where}.");
            }

            return null;
        }

        if (node is ConfigScalar scalar)
        {
            if (string.IsNullOrWhiteSpace(scalar.Value) && required)
            {
                Error(node, $"{where}.{key} is empty.", requiredFix ?? $"give {where}.{key} a value.");
                return null;
            }

            return scalar.Value;
        }

        Error(node, $"{where}.{key} must be a single value, not {node.Kind}.", $"write '{key}: value'.");
        return null;
    }

    public T? Parse<T>(ConfigMap? map, string key, string where, Func<string, (bool Ok, T Value)> parse, string expected, string fix)
        where T : struct
    {
        var text = String(map, key, where);
        if (text is null)
        {
            return null;
        }

        var (ok, value) = parse(text);
        if (!ok)
        {
            Error(map![key]!, $"{where}.{key} is '{text}', but it must be {expected}.", fix);
            return null;
        }

        return value;
    }

    public int? Int(ConfigMap? map, string key, string where, int min, int max = int.MaxValue) =>
        Parse<int>(map, key, where, t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max ? (true, v) : (false, 0), max == int.MaxValue ? $"a whole number of at least {min}" : $"a whole number from {min} to {max}", $"write a whole number such as {Math.Max(min, 1)}.");

    public double? Double(ConfigMap? map, string key, string where, double min, double max) =>
        Parse<double>(map, key, where, t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max ? (true, v) : (false, 0), string.Create(CultureInfo.InvariantCulture, $"a number from {min} to {max}"), "write a number with a '.' decimal point, such as 0.5.");

    public decimal? Decimal(ConfigMap? map, string key, string where) =>
        Parse<decimal>(map, key, where, t => decimal.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 ? (true, v) : (false, 0), "a non-negative amount", "write an amount with a '.' decimal point, such as 1.50.");

    public bool? Bool(ConfigMap? map, string key, string where) =>
        Parse<bool>(map, key, where, t => t.ToUpperInvariant() switch { "TRUE" => (true, true), "FALSE" => (true, false), _ => (false, false) }, "true or false", "write true or false.");

    /// <summary>Reads one of <paramref name="names"/> (case-insensitive) and returns its index.</summary>
    public int? Choice(ConfigMap? map, string key, string where, params string[] names)
    {
        var text = String(map, key, where);
        if (text is null)
        {
            return null;
        }

        var index = Array.FindIndex(names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
        {
            Error(map![key]!, $"{where}.{key} is '{text}', which is not one of {string.Join(", ", names)}.", $"write one of: {string.Join(", ", names)}.");
            return null;
        }

        return index;
    }

    /// <summary>Reads a list of scalars; a single scalar is accepted as a list of one.</summary>
    public IReadOnlyList<ConfigScalar>? ScalarList(ConfigMap? map, string key, string where)
    {
        var node = map?[key];
        switch (node)
        {
            case null or ConfigScalar { Value: null }:
                return null;
            case ConfigScalar scalar:
                return [scalar];
            case ConfigSequence sequence:
                var scalars = new List<ConfigScalar>();
                foreach (var item in sequence.Items)
                {
                    if (item is ConfigScalar { Value: not null } s)
                    {
                        scalars.Add(s);
                    }
                    else
                    {
                        Error(item, $"{where}.{key} must list single values, not {item.Kind}.", "write each entry as '- value'.");
                    }
                }

                return scalars;
            default:
                Error(node, $"{where}.{key} must be a list, not {node.Kind}.", $"write '{key}: [a, b]' or one '- value' line per entry.");
                return null;
        }
    }

    public IReadOnlyList<ConfigNode>? Sequence(ConfigMap? map, string key, string where, bool required, string requiredFix)
    {
        var node = map?[key];
        if (node is null or ConfigScalar { Value: null })
        {
            if (required)
            {
                Error(node?.Position ?? map?.Position ?? new SourcePosition(1, 1), $"{where}.{key} is required.", requiredFix);
            }

            return null;
        }

        if (node is ConfigSequence sequence)
        {
            return sequence.Items;
        }

        Error(node, $"{where}.{key} must be a list, not {node.Kind}.", $"write one '- ...' entry per line under '{key}:'.");
        return null;
    }

    /// <summary>Levenshtein distance, for "did you mean" suggestions.</summary>
    internal static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToUpperInvariant(a[i - 1]) == char.ToUpperInvariant(b[j - 1]) ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
