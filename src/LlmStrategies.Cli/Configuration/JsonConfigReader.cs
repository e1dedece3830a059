using System.Text;
using System.Text.Json;

namespace LlmStrategies.Cli.Configuration;

/// <summary>
/// Reads JSON into <see cref="ConfigNode"/>s with <see cref="Utf8JsonReader"/>, turning each token's byte offset into a
/// line and column (comments and trailing commas are allowed, as editors do for config files).
/// </summary>
internal static class JsonConfigReader
{
    public static ConfigNode Read(string text, string file)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var lines = LineStarts(bytes);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read())
            {
                throw new ConfigException([new ConfigError(file, new SourcePosition(1, 1), "the file is empty.", "run 'llmstrategies init --format json' for an example config.")]);
            }

            var root = ReadValue(ref reader, bytes, lines);
            if (reader.Read())
            {
                throw new ConfigException([new ConfigError(file, Position(bytes, lines, reader.TokenStartIndex), "there is more after the end of the top-level object.", "remove it, or put it inside the object.")]);
            }

            return root;
        }
        catch (JsonException ex)
        {
            var line = (int)(ex.LineNumber ?? 0) + 1;
            var column = (int)(ex.BytePositionInLine ?? 0) + 1;
            var message = ex.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            throw new ConfigException([new ConfigError(file, new SourcePosition(line, column), $"not valid JSON: {(cut > 0 ? message[..cut] : message)}", "check for a missing comma, quote or bracket just before this position.")]);
        }
    }

    private static ConfigNode ReadValue(ref Utf8JsonReader reader, byte[] bytes, List<int> lines)
    {
        var position = Position(bytes, lines, reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var entries = new List<KeyValuePair<ConfigScalar, ConfigNode>>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = new ConfigScalar(Position(bytes, lines, reader.TokenStartIndex), reader.GetString(), isQuoted: true);
                    reader.Read();
                    entries.Add(new(key, ReadValue(ref reader, bytes, lines)));
                }

                return new ConfigMap(position, entries);
            case JsonTokenType.StartArray:
                var items = new List<ConfigNode>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(ReadValue(ref reader, bytes, lines));
                }

                return new ConfigSequence(position, items);
            case JsonTokenType.String:
                return new ConfigScalar(position, reader.GetString(), isQuoted: true);
            case JsonTokenType.Null:
                return new ConfigScalar(position, null, isQuoted: false);
            default:
                return new ConfigScalar(position, Encoding.UTF8.GetString(reader.ValueSpan), isQuoted: false);
        }
    }

    private static List<int> LineStarts(byte[] bytes)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts;
    }

    private static SourcePosition Position(byte[] bytes, List<int> lines, long offset)
    {
        var index = lines.BinarySearch((int)offset);
        var line = index >= 0 ? index : ~index - 1;
        var column = Encoding.UTF8.GetCharCount(bytes, lines[line], (int)offset - lines[line]) + 1;
        return new SourcePosition(line + 1, column);
    }
}
