using System.Globalization;

namespace LlmStrategies.Cli.Configuration;

/// <summary>A 1-based line and column in a config file.</summary>
internal readonly record struct SourcePosition(int Line, int Column)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Line}:{Column}");
}
