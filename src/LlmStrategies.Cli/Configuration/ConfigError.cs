namespace LlmStrategies.Cli.Configuration;

/// <summary>One problem in a config file: where, what, and how to fix it.</summary>
internal sealed record ConfigError(string File, SourcePosition Position, string Message, string Fix)
{
    /// <summary>Formats the error as compilers do (<c>file:line:column: error: ...</c>), so editors and CI annotate the line.</summary>
    public override string ToString() => $"{File}:{Position}: error: {Message} Fix: {Fix}";
}

/// <summary>The config file has errors; nothing ran.</summary>
internal sealed class ConfigException : Exception
{
    public ConfigException()
        : this([])
    {
    }

    public ConfigException(string message)
        : base(message)
    {
        Errors = [];
    }

    public ConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public ConfigException(IReadOnlyList<ConfigError> errors)
        : base(string.Join(Environment.NewLine, errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<ConfigError> Errors { get; }
}
