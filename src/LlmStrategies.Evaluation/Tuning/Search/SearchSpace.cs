using System.Text.Json;
using LlmStrategies.IO;

namespace LlmStrategies.Tuning;

/// <summary>
/// The settings a tuner may change and the values each may take, declared in code and saved as JSON for the
/// command-line tool: for example retrieval top-k, the fusion method and weights, the chunk size, the few-shot count
/// and selector, an instruction variant from a list. The grid is every combination, the first parameter varying
/// slowest; a random search samples points of that grid.
/// </summary>
/// <example>
/// <code>
/// var space = new SearchSpace()
///     .Add("retrieval.top", 1, 3, 5)
///     .Add("fusion.vector-weight", 0.2, 0.5, 1.0)
///     .AddEnum("fusion.method", FusionMethod.ZScore, FusionMethod.MinMax)
///     .Add("instructions", "Answer briefly.", "Answer in one sentence and cite the passage.");
/// </code>
/// </example>
public sealed class SearchSpace
{
    /// <summary>The schema name of search-space files.</summary>
    public const string SchemaName = "llmstrategies.search-space";

    /// <summary>The version of search-space files this library writes and reads.</summary>
    public const int SchemaVersion = 1;

    private readonly List<SearchParameter> _parameters = [];

    /// <summary>Gets the parameters, in declaration order.</summary>
    public IReadOnlyList<SearchParameter> Parameters => _parameters;

    /// <summary>Gets the number of points in the grid (the product of the value counts; 1 for an empty space).</summary>
    /// <exception cref="OverflowException">The grid has more than <see cref="long.MaxValue"/> points.</exception>
    public long GridSize => _parameters.Aggregate(1L, (product, p) => checked(product * p.Values.Count));

    /// <summary>Gets a parameter by name.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The parameter.</returns>
    /// <exception cref="KeyNotFoundException">There is no such parameter.</exception>
    public SearchParameter this[string name] => Find(name)
        ?? throw new KeyNotFoundException($"The search space has no parameter '{name}' (it has: {string.Join(", ", _parameters.Select(p => p.Name))}).");

    /// <summary>Adds an integer parameter.</summary>
    /// <param name="name">The name.</param>
    /// <param name="values">The values to try, distinct.</param>
    /// <returns>This space.</returns>
    public SearchSpace Add(string name, params int[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Add(SearchParameter.Create(name, ParameterKind.WholeNumber, values.Select(v => ParameterValue.FromInteger(v))));
    }

    /// <summary>Adds a number parameter.</summary>
    /// <param name="name">The name.</param>
    /// <param name="values">The values to try, finite and distinct.</param>
    /// <returns>This space.</returns>
    public SearchSpace Add(string name, params double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Add(SearchParameter.Create(name, ParameterKind.Number, values.Select(ParameterValue.FromNumber)));
    }

    /// <summary>Adds a text parameter (a selector's name, an instruction variant...).</summary>
    /// <param name="name">The name.</param>
    /// <param name="values">The values to try, distinct.</param>
    /// <returns>This space.</returns>
    public SearchSpace Add(string name, params string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Add(SearchParameter.Create(name, ParameterKind.Text, values.Select(ParameterValue.FromText)));
    }

    /// <summary>Adds a Boolean parameter.</summary>
    /// <param name="name">The name.</param>
    /// <param name="values">The values to try, distinct (for example <c>false, true</c>).</param>
    /// <returns>This space.</returns>
    public SearchSpace Add(string name, params bool[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Add(SearchParameter.Create(name, ParameterKind.Boolean, values.Select(ParameterValue.FromBoolean)));
    }

    /// <summary>Adds a parameter whose values are members of an enum (stored by name; read them with <see cref="SearchPoint.GetEnum{TEnum}"/>).</summary>
    /// <typeparam name="TEnum">The enum.</typeparam>
    /// <param name="name">The name.</param>
    /// <param name="values">The members to try, distinct.</param>
    /// <returns>This space.</returns>
    public SearchSpace AddEnum<TEnum>(string name, params TEnum[] values)
        where TEnum : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var value in values)
        {
            if (!Enum.IsDefined(value))
            {
                throw new ArgumentException($"Parameter '{name}': {value} is not a defined {typeof(TEnum).Name}.", nameof(values));
            }
        }

        return Add(SearchParameter.Create(name, ParameterKind.Text, values.Select(v => ParameterValue.FromText(v.ToString()))));
    }

    /// <summary>Creates a point of this space from a value for every parameter (ints, doubles, strings, bools or enum members).</summary>
    /// <param name="values">One (name, value) per parameter, in any order.</param>
    /// <returns>The point.</returns>
    /// <exception cref="ArgumentException">A parameter is missing, unknown or repeated, or a value is not one of its parameter's values.</exception>
    public SearchPoint Point(params (string Name, object Value)[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var given = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            if (Find(name) is null)
            {
                throw new ArgumentException($"The search space has no parameter '{name}' (it has: {string.Join(", ", _parameters.Select(p => p.Name))}).", nameof(values));
            }

            if (!given.TryAdd(name, value))
            {
                throw new ArgumentException($"Parameter '{name}' is given twice.", nameof(values));
            }
        }

        var entries = new List<KeyValuePair<string, ParameterValue>>(_parameters.Count);
        foreach (var parameter in _parameters)
        {
            if (!given.TryGetValue(parameter.Name, out var raw))
            {
                throw new ArgumentException($"The point has no value for parameter '{parameter.Name}'; give one of: {string.Join(", ", parameter.Values)}.", nameof(values));
            }

            entries.Add(new(parameter.Name, CheckedValue(parameter, ParameterValue.Convert(raw, parameter.Kind, parameter.Name))));
        }

        return new SearchPoint(entries, null);
    }

    /// <summary>The point at a position of the grid (0 to <see cref="GridSize"/> − 1); the first parameter varies slowest.</summary>
    /// <param name="index">The position.</param>
    /// <returns>The point.</returns>
    public SearchPoint PointAt(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, GridSize);
        var entries = new KeyValuePair<string, ParameterValue>[_parameters.Count];
        for (var p = _parameters.Count - 1; p >= 0; p--)
        {
            var count = _parameters[p].Values.Count;
            entries[p] = new(_parameters[p].Name, _parameters[p].Values[(int)(index % count)]);
            index /= count;
        }

        return new SearchPoint(entries, null);
    }

    /// <summary>Every point of the grid, the first parameter varying slowest.</summary>
    /// <returns>The points.</returns>
    public IEnumerable<SearchPoint> Grid()
    {
        var size = GridSize;
        for (var i = 0L; i < size; i++)
        {
            yield return PointAt(i);
        }
    }

    /// <summary>Tells whether a point has exactly this space's parameters, each with one of its values (demonstrations aside).</summary>
    /// <param name="point">The point.</param>
    /// <returns><see langword="true"/> when the point belongs to the space.</returns>
    public bool Contains(SearchPoint point) => Problem(point) is null;

    /// <summary>Tells whether another space has the same parameters with the same values in the same order.</summary>
    /// <param name="other">The other space.</param>
    /// <returns><see langword="true"/> when they are the same space.</returns>
    public bool IsSameAs(SearchSpace other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return _parameters.Count == other._parameters.Count
            && _parameters.Zip(other._parameters).All(p => p.First.Name == p.Second.Name && p.First.Kind == p.Second.Kind && p.First.Values.SequenceEqual(p.Second.Values));
    }

    /// <summary>A copy of this space (changing one does not change the other).</summary>
    /// <returns>The copy.</returns>
    public SearchSpace Clone()
    {
        var copy = new SearchSpace();
        copy._parameters.AddRange(_parameters);
        return copy;
    }

    /// <summary>The space as indented JSON: <c>{"schema": "llmstrategies.search-space", "version": 1, "parameters": [{"name": "retrieval.top", "kind": "WholeNumber", "values": [1, 3, 5]}]}</c>.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(ToFile(), TuningJsonContext.Default.SearchSpaceFile);

    /// <summary>Writes the space to a JSON file, atomically.</summary>
    /// <param name="path">The file.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.WriteAllText(path, ToJson());
    }

    /// <summary>Loads a space saved by <see cref="Save"/> (or written by hand in that format).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The space.</returns>
    /// <exception cref="TuningFileException">The file is not a search space of a supported version, or a parameter is invalid; the message names it.</exception>
    public static SearchSpace Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return FromJson(File.ReadAllText(path), path);
    }

    /// <summary>Parses a space from JSON.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">Where the text came from, for error messages; default "search space".</param>
    /// <returns>The space.</returns>
    /// <exception cref="TuningFileException">The text is not a search space of a supported version, or a parameter is invalid.</exception>
    public static SearchSpace FromJson(string json, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        source ??= "search space";
        var file = TuningFiles.Deserialize(json, source, SchemaName, SchemaVersion, TuningJsonContext.Default.SearchSpaceFile, "a search space");
        return FromFile(file, source);
    }

    internal SearchSpaceFile ToFile() => new()
    {
        Schema = SchemaName,
        Version = SchemaVersion,
        Parameters = _parameters.Select(p => new SearchParameterFile { Name = p.Name, Kind = p.Kind, Values = [.. p.Values] }).ToList(),
    };

    internal static SearchSpace FromFile(SearchSpaceFile file, string source)
    {
        var space = new SearchSpace();
        if (file.Parameters is null)
        {
            throw new TuningFileException(source, "the search space has no 'parameters' array.", null);
        }

        for (var i = 0; i < file.Parameters.Count; i++)
        {
            var p = file.Parameters[i];
            if (p?.Name is null || p.Kind is not { } kind || !Enum.IsDefined(kind) || p.Values is null)
            {
                throw new TuningFileException(source, $"parameters[{i}] needs a 'name', a 'kind' (WholeNumber, Number, Text or Boolean) and a 'values' array.", null);
            }

            try
            {
                space.Add(SearchParameter.Create(p.Name, kind, p.Values.Select((v, j) => Coerce(v, kind, p.Name, source))));
            }
            catch (ArgumentException ex)
            {
                throw new TuningFileException(source, $"parameters[{i}] is invalid: {ex.Message}", ex);
            }
        }

        return space;
    }

    /// <summary>Reads a stored value as the parameter's kind (an integer is a valid number; 2.0 is written as 2).</summary>
    internal static ParameterValue Coerce(ParameterValue stored, ParameterKind kind, string parameter, string source) =>
        stored.Kind == kind ? stored
        : kind == ParameterKind.Number && stored.Kind == ParameterKind.WholeNumber ? ParameterValue.FromNumber(stored.AsNumber())
        : throw new TuningFileException(source, $"parameter '{parameter}' is {kind} but holds the {stored.Kind} value '{stored}'.", null);

    /// <summary>Why a point does not belong to this space, or <see langword="null"/> when it does.</summary>
    internal string? Problem(SearchPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        if (point.Values.Count != _parameters.Count)
        {
            return $"the point has {point.Values.Count} parameter(s), the space {_parameters.Count} ({string.Join(", ", _parameters.Select(p => p.Name))}).";
        }

        for (var i = 0; i < _parameters.Count; i++)
        {
            var (name, value) = point.Values[i];
            if (name != _parameters[i].Name)
            {
                return $"parameter {i} of the point is '{name}', the space's is '{_parameters[i].Name}'.";
            }

            if (!_parameters[i].Values.Contains(value))
            {
                return $"'{name}' = '{value}' ({value.Kind}) is not one of the space's values ({string.Join(", ", _parameters[i].Values)}).";
            }
        }

        return null;
    }

    private SearchSpace Add(SearchParameter parameter)
    {
        if (Find(parameter.Name) is not null)
        {
            throw new ArgumentException($"The search space already has a parameter '{parameter.Name}'.", nameof(parameter));
        }

        _parameters.Add(parameter);
        return this;
    }

    private SearchParameter? Find(string name) => _parameters.FirstOrDefault(p => p.Name == name);

    private static ParameterValue CheckedValue(SearchParameter parameter, ParameterValue value) =>
        parameter.Values.Contains(value)
            ? value
            : throw new ArgumentException($"'{value}' is not a value of parameter '{parameter.Name}' (its values: {string.Join(", ", parameter.Values)}).", nameof(value));
}
