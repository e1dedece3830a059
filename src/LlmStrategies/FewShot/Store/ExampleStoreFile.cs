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

    /// <summary>How long a writer waits for another process's write to the same file before giving up.</summary>
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Writes the examples and returns the stamp (SHA-256) of the bytes written.</summary>
    public static string Write(string path, IEnumerable<FewShotExample> examples, Action? beforeRename = null)
    {
        var records = examples.Select(ExampleRecord.From).ToList();
        var file = new StoreFileRecord(FormatName, FormatVersion, Checksum(records), records);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(file, ExampleStoreJsonContext.Default.StoreFileRecord);
        AtomicFile.Write(path, stream => stream.Write(bytes), beforeRename);
        return Stamp(bytes);
    }

    public static List<FewShotExample> Read(string path) => Read(path, File.ReadAllBytes(path));

    /// <summary>
    /// Reads the file when it is not the version this store last read or wrote (<paramref name="knownStamp"/>): another
    /// store instance or process changed it. Returns <see langword="null"/> when it is unchanged (or absent and never written).
    /// </summary>
    public static (List<FewShotExample> Examples, string? Stamp)? ReadIfChanged(string path, string? knownStamp)
    {
        if (!File.Exists(path))
        {
            return knownStamp is null ? null : ([], null);
        }

        var bytes = File.ReadAllBytes(path);
        var stamp = Stamp(bytes);
        return stamp == knownStamp ? null : (Read(path, bytes), stamp);
    }

    /// <summary>The stamp of the file as it is now, or <see langword="null"/> when it does not exist.</summary>
    public static string? CurrentStamp(string path) => File.Exists(path) ? Stamp(File.ReadAllBytes(path)) : null;

    /// <summary>
    /// Takes the cross-process write lock of <paramref name="path"/> (an exclusive OS lock on <c>&lt;path&gt;.lock</c>,
    /// released when the returned handle is disposed or the process exits), waiting for another writer at most 30 s.
    /// </summary>
    /// <exception cref="IOException">Another writer held the lock for longer than that; the message names the lock file.</exception>
    public static async Task<IDisposable> LockAsync(string path, CancellationToken cancellationToken)
    {
        var lockPath = path + ".lock";
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
            }
            catch (IOException ex) when (ex.GetType() == typeof(IOException) && waited.Elapsed < LockTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex) when (ex.GetType() == typeof(IOException))
            {
                throw new IOException($"The example store '{path}' is being written by another process (or another ExampleStore in this one) that has held its lock file '{lockPath}' for more than {LockTimeout.TotalSeconds:0} s; try again when it has finished.", ex);
            }
        }
    }

    private static List<FewShotExample> Read(string path, byte[] bytes)
    {
        AtomicFile.RemoveOrphans(path);
        StoreFileRecord? file;
        try
        {
            file = JsonSerializer.Deserialize(bytes, ExampleStoreJsonContext.Default.StoreFileRecord);
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
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (string.IsNullOrWhiteSpace(record.Id) || record.Input is null || record.Output is null)
            {
                throw new IndexFormatException(path, $"example {i} lacks an id, an input or an output.", null);
            }

            if (!ids.Add(record.Id))
            {
                throw new IndexFormatException(path, $"example {i} repeats the id '{record.Id}'; ids must be unique (the file was edited).", null);
            }

            examples.Add(record.ToExample());
        }

        return examples;
    }

    private static string Stamp(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

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
