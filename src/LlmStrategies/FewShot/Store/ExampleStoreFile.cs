using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using LlmStrategies.IO;
using LlmStrategies.Retrieval;

namespace LlmStrategies.FewShot.Store;

/// <summary>
/// The example store's file: JSON with a format name, a version, the examples and the SHA-256 of their canonical
/// serialisation. Written atomically (temporary file, flush to disk, rename), so a crash leaves the old or the new file.
/// </summary>
internal static class ExampleStoreFile
{
    public const string FormatName = "llmstrategies.example-store";
    public const int FormatVersion = 1;

    public static void Write(string path, IEnumerable<FewShotExample> examples, Action? beforeRename = null)
    {
        var records = examples.Select(ExampleRecord.From).ToList();
        var file = new StoreFileRecord(FormatName, FormatVersion, Checksum(records), records);
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, file, ExampleStoreJsonContext.Default.StoreFileRecord), beforeRename);
    }

    public static List<FewShotExample> Read(string path)
    {
        StoreFileRecord? file;
        try
        {
            using var stream = File.OpenRead(path);
            file = JsonSerializer.Deserialize(stream, ExampleStoreJsonContext.Default.StoreFileRecord);
        }
        catch (JsonException ex)
        {
            throw new IndexFormatException(path, $"it is not valid example-store JSON ({ex.Message}); it may be truncated or corrupt.", ex);
        }

        if (file is null || file.Format != FormatName)
        {
            throw new IndexFormatException(path, $"it is not an example-store file (its \"format\" is \"{file?.Format}\", expected \"{FormatName}\").", null);
        }

        if (file.Version != FormatVersion)
        {
            throw new IndexFormatException(path, $"it is format version {file.Version}, and this library reads version {FormatVersion}.", null);
        }

        var records = file.Examples ?? [];
        if (!string.Equals(file.Sha256, Checksum(records), StringComparison.Ordinal))
        {
            throw new IndexFormatException(path, "its checksum does not match its examples: the file was edited or is corrupt.", null);
        }

        var examples = new List<FewShotExample>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (string.IsNullOrWhiteSpace(record.Id) || record.Input is null || record.Output is null)
            {
                throw new IndexFormatException(path, $"example {i} lacks an id, an input or an output.", null);
            }

            examples.Add(record.ToExample());
        }

        return examples;
    }

    private static string Checksum(List<ExampleRecord> records) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(records, ExampleStoreJsonContext.Default.ListExampleRecord)));
}

internal sealed record StoreFileRecord(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("examples")] List<ExampleRecord>? Examples);

internal sealed record ExampleRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("output")] string Output,
    [property: JsonPropertyName("label")] string? Label,
    [property: JsonPropertyName("tags")] string[] Tags,
    [property: JsonPropertyName("metadata")] SortedDictionary<string, string> Metadata)
{
    public static ExampleRecord From(FewShotExample example) => new(
        example.Id,
        example.Input,
        example.Output,
        example.Label,
        [.. example.Tags],
        new SortedDictionary<string, string>(example.Metadata.ToDictionary(), StringComparer.Ordinal));

    public FewShotExample ToExample() => new()
    {
        Id = Id,
        Input = Input,
        Output = Output,
        Label = Label,
        Tags = Tags ?? [],
        Metadata = Metadata is null ? new Dictionary<string, string>() : new Dictionary<string, string>(Metadata, StringComparer.Ordinal),
    };
}

[JsonSerializable(typeof(StoreFileRecord))]
[JsonSerializable(typeof(List<ExampleRecord>))]
[JsonSourceGenerationOptions(WriteIndented = true)]
internal sealed partial class ExampleStoreJsonContext : JsonSerializerContext;
