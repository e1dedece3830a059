using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LlmStrategies.IO;

namespace LlmStrategies.Evaluation;

/// <summary>
/// Writes evaluation items in the JSONL format <see cref="DatasetLoader.LoadJsonl"/> reads (one object per line: id,
/// input, expected, label, metadata, relevant), atomically (temporary file, then rename).
/// </summary>
public static class DatasetWriter
{
    /// <summary>Writes <paramref name="items"/> to <paramref name="path"/> as JSONL, replacing the file atomically.</summary>
    /// <param name="path">The file (its folder is created when missing).</param>
    /// <param name="items">The items, in the order to write them.</param>
    public static void WriteJsonl(string path, IEnumerable<EvaluationItem> items)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(items);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.WriteAllText(path, ToJsonl(items));
    }

    private static string ToJsonl(IEnumerable<EvaluationItem> items)
    {
        var text = new StringBuilder();
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        foreach (var item in items)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer, options))
            {
                w.WriteStartObject();
                w.WriteString("id", item.Id);
                w.WriteString("input", item.Input);
                w.WriteStartArray("expected");
                foreach (var e in item.ExpectedOutputs)
                {
                    w.WriteStringValue(e);
                }

                w.WriteEndArray();
                if (item.Label is not null)
                {
                    w.WriteString("label", item.Label);
                }

                w.WriteStartObject("metadata");
                foreach (var (k, v) in item.Metadata)
                {
                    w.WriteString(k, v);
                }

                w.WriteEndObject();
                w.WriteStartObject("relevant");
                foreach (var (k, v) in item.RelevantDocuments)
                {
                    w.WriteNumber(k, v);
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            text.Append(Encoding.UTF8.GetString(buffer.ToArray())).Append('\n');
        }

        return text.ToString();
    }
}
