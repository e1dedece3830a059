namespace LlmStrategies.Cli.Configuration;

/// <summary>A node of a parsed config file (YAML or JSON), with the position it came from so every error can name it.</summary>
internal abstract class ConfigNode(SourcePosition position)
{
    public SourcePosition Position { get; } = position;

    /// <summary>Gets what the node is, for messages ("a mapping", "a list", "a value").</summary>
    public abstract string Kind { get; }
}

/// <summary>A mapping (YAML) or object (JSON); keys keep their order and positions.</summary>
internal sealed class ConfigMap(SourcePosition position, IReadOnlyList<KeyValuePair<ConfigScalar, ConfigNode>> entries) : ConfigNode(position)
{
    public IReadOnlyList<KeyValuePair<ConfigScalar, ConfigNode>> Entries { get; } = entries;

    public override string Kind => "a mapping";

    public ConfigNode? this[string key] => Entries.FirstOrDefault(e => e.Key.Value == key).Value;
}

/// <summary>A sequence (YAML) or array (JSON).</summary>
internal sealed class ConfigSequence(SourcePosition position, IReadOnlyList<ConfigNode> items) : ConfigNode(position)
{
    public IReadOnlyList<ConfigNode> Items { get; } = items;

    public override string Kind => "a list";
}

/// <summary>A scalar; <see cref="Value"/> is null for YAML null (<c>~</c>, <c>null</c>, empty) or JSON <c>null</c>.</summary>
internal sealed class ConfigScalar(SourcePosition position, string? value, bool isQuoted) : ConfigNode(position)
{
    public string? Value { get; } = value;

    /// <summary>Gets a value indicating whether the scalar was quoted (a quoted "3" is text, not a number, in JSON).</summary>
    public bool IsQuoted { get; } = isQuoted;

    public override string Kind => Value is null ? "null" : "a value";
}
