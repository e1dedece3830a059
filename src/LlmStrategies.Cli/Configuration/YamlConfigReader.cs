using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LlmStrategies.Cli.Configuration;

/// <summary>Reads YAML into <see cref="ConfigNode"/>s with YamlDotNet's representation model, keeping every node's line and column.</summary>
internal static class YamlConfigReader
{
    public static ConfigNode Read(string text, string file)
    {
        const string Fix = "check the indentation (spaces, not tabs), close every [ and {, and quote values that contain ': ' or start with a special character.";
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            var message = (ex.InnerException?.Message ?? ex.Message).Trim();
            throw new ConfigException([new ConfigError(file, Position(ex.Start), $"not valid YAML: {message}", Fix)]);
        }
        catch (InvalidOperationException ex)
        {
            // Some malformed documents end the event stream early; the last event parsed is where it went wrong.
            throw new ConfigException([new ConfigError(file, parser.Current is { } last ? Position(last.End) : new SourcePosition(1, 1), $"not valid YAML: the document ends inside an unfinished structure ({ex.Message}).", Fix)]);
        }

        if (stream.Documents.Count == 0)
        {
            throw new ConfigException([new ConfigError(file, new SourcePosition(1, 1), "the file is empty.", "run 'llmstrategies init' for a commented example config.")]);
        }

        return Convert(stream.Documents[0].RootNode);
    }

    private static ConfigNode Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new ConfigMap(Position(map.Start), map.Children.Select(c => new KeyValuePair<ConfigScalar, ConfigNode>(Scalar(c.Key), Convert(c.Value))).ToArray()),
        YamlSequenceNode sequence => new ConfigSequence(Position(sequence.Start), sequence.Children.Select(Convert).ToArray()),
        _ => Scalar(node),
    };

    private static ConfigScalar Scalar(YamlNode node)
    {
        if (node is not YamlScalarNode scalar)
        {
            return new ConfigScalar(Position(node.Start), $"({node.NodeType})", isQuoted: false);
        }

        var quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded;
        var isNull = !quoted && (scalar.Value is null or "" or "~" or "null" or "Null" or "NULL");
        return new ConfigScalar(Position(scalar.Start), isNull ? null : scalar.Value, quoted);
    }

    private static SourcePosition Position(Mark mark) => new((int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));
}
