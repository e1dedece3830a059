using System.Text.Json;
using LlmStrategies;
using LlmStrategies.Evaluation;

namespace StrategyLadder;

/// <summary>Writes the generated knowledge base in the formats the loaders read (items JSONL, BEIR corpus JSONL), atomically.</summary>
internal static class DataFiles
{
    public static void WriteItems(string path, IEnumerable<EvaluationItem> items) => DatasetWriter.WriteJsonl(path, items);

    public static void WriteCorpus(string path, IEnumerable<SourceDocument> documents) => WriteAtomically(path, documents, (w, d) =>
    {
        w.WriteString("_id", d.Id);
        w.WriteString("text", d.Text);
    });

    private static void WriteAtomically<T>(string path, IEnumerable<T> records, Action<Utf8JsonWriter, T> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            foreach (var record in records)
            {
                using (var writer = new Utf8JsonWriter(file, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                {
                    writer.WriteStartObject();
                    write(writer, record);
                    writer.WriteEndObject();
                }

                file.Write("\n"u8);
            }

            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
