using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using LlmStrategies.IO;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// The change log kept next to a dataset's versions: <c>{dataset}.changes.jsonl</c>, a header line then one
/// <see cref="ReviewChange"/> per line. Rewritten atomically with every import, so it is never torn; it is the commit
/// record of an import (written last), and the review file hashes in it make re-imports no-ops.
/// </summary>
internal static class ChangeLog
{
    public const string Schema = "llmstrategies.review-changelog";
    public const int Version = 1;

    public static string PathOf(string directory, string datasetName) => Path.Combine(directory, $"{DatasetVersionFile.SafeName(datasetName)}.changes.jsonl");

    public static List<ReviewChange> Read(string path)
    {
        var changes = new List<ReviewChange>();
        if (!File.Exists(path))
        {
            return changes;
        }

        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                if (lineNumber == 1)
                {
                    var header = JsonSerializer.Deserialize(line, ReviewJsonContext.Default.ChangeLogHeader);
                    if (header?.Schema != Schema || header.Version != Version)
                    {
                        throw Corrupt(path, lineNumber, $"the header is not a {Schema} version {Version} header");
                    }

                    continue;
                }

                changes.Add(JsonSerializer.Deserialize(line, ReviewJsonContext.Default.ReviewChange) ?? throw Corrupt(path, lineNumber, "the line is null"));
            }
            catch (JsonException ex)
            {
                throw Corrupt(path, lineNumber, ex.Message);
            }
        }

        return changes;
    }

    public static void Write(string path, IEnumerable<ReviewChange> changes)
    {
        var text = new StringBuilder();
        text.Append(JsonSerializer.Serialize(new ChangeLogHeader { Schema = Schema, Version = Version }, ReviewJsonContext.Default.ChangeLogHeader)).Append('\n');
        foreach (var change in changes)
        {
            text.Append(JsonSerializer.Serialize(change, ReviewJsonContext.Default.ReviewChange)).Append('\n');
        }

        AtomicFile.WriteAllText(path, text.ToString());
    }

    private static ReviewFormatException Corrupt(string path, int line, string problem) =>
        new([new DatasetError(path, line, null, $"the change log is corrupt ({problem}); restore it from version control. Nothing was applied.")]);

    internal sealed class ChangeLogHeader
    {
        [JsonPropertyName("schema")]
        public string? Schema { get; set; }

        [JsonPropertyName("version")]
        public int Version { get; set; }
    }
}

/// <summary>Source-generated JSON metadata for the change log (one object per line).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ReviewChange))]
[JsonSerializable(typeof(ChangeLog.ChangeLogHeader))]
internal sealed partial class ReviewJsonContext : JsonSerializerContext;
