using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace LlmStrategies.Experiments;

/// <summary>
/// An append-only JSONL file: a header line naming the schema, version and owner identity, then one record per line,
/// each appended and flushed to disk on its own. On open, a last line without its newline (a write torn by a crash) is
/// cut off and reported in <see cref="Notes"/>; every complete line must parse, otherwise the file is corrupt and the
/// open fails. A header of another schema, version or identity fails too: the file belongs to something else.
/// </summary>
internal sealed class JsonlJournal<T> : IDisposable
    where T : class
{
    private readonly FileStream _stream;
    private readonly JsonTypeInfo<T> _typeInfo;
    private readonly Lock _gate = new();

    private JsonlJournal(FileStream stream, JsonTypeInfo<T> typeInfo, List<T> records, List<string> notes)
    {
        _stream = stream;
        _typeInfo = typeInfo;
        Records = records;
        Notes = notes;
    }

    /// <summary>Gets the records read when the file was opened.</summary>
    public IReadOnlyList<T> Records { get; }

    /// <summary>Gets what was repaired on open (a torn last line), for reports.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Opens (or creates) the file; <paramref name="readOnly"/> reads an existing file without repairing or creating it.</summary>
    public static JsonlJournal<T> Open(string path, string schema, int version, string identity, JsonTypeInfo<T> typeInfo, string kind, bool readOnly = false)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full) ?? ".");
        var stream = readOnly
            ? new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)
            : new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            var records = new List<T>();
            var notes = new List<string>();
            var header = $"{{\"schema\":\"{schema}\",\"version\":{version},\"identity\":\"{identity}\"}}";
            if (stream.Length == 0)
            {
                if (readOnly)
                {
                    return new JsonlJournal<T>(stream, typeInfo, records, notes);
                }

                WriteLine(stream, Encoding.UTF8.GetBytes(header));
                return new JsonlJournal<T>(stream, typeInfo, records, notes);
            }

            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            var lastNewline = Array.LastIndexOf(bytes, (byte)'\n');
            var complete = lastNewline + 1;
            if (complete < bytes.Length)
            {
                notes.Add($"{kind} '{full}': the last line ({bytes.Length - complete} bytes) was cut short, probably by a crash during a write; it was discarded and its item will run again.");
                if (!readOnly)
                {
                    stream.SetLength(complete);
                }
            }

            var lines = Encoding.UTF8.GetString(bytes, 0, complete).Split('\n');
            var problem = "it has no header";
            if (lines.Length == 0 || !HeaderMatches(lines[0], schema, version, identity, out problem))
            {
                throw new ExperimentFileException(full, $"this {kind} belongs to something else: {problem}. Delete it (or point the option at another file) to start afresh.", null);
            }

            for (var i = 1; i < lines.Length; i++)
            {
                if (lines[i].Length == 0)
                {
                    continue;
                }

                T? record;
                try
                {
                    record = JsonSerializer.Deserialize(lines[i], typeInfo);
                }
                catch (JsonException ex)
                {
                    throw new ExperimentFileException(full, $"line {i + 1} of this {kind} is corrupt ({ex.Message}); it is a complete line, so it was not torn by a crash. Delete the file to start afresh.", ex);
                }

                records.Add(record ?? throw new ExperimentFileException(full, $"line {i + 1} of this {kind} is null.", null));
            }

            if (!readOnly)
            {
                stream.Seek(0, SeekOrigin.End);
            }

            return new JsonlJournal<T>(stream, typeInfo, records, notes);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Appends one record and flushes it to disk before returning.</summary>
    public void Append(T record)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(record, _typeInfo);
        lock (_gate)
        {
            WriteLine(_stream, bytes);
        }
    }

    public void Dispose() => _stream.Dispose();

    private static void WriteLine(FileStream stream, byte[] json)
    {
        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        stream.Write(line);
        stream.Flush(flushToDisk: true);
    }

    private static bool HeaderMatches(string line, string schema, int version, string identity, out string problem)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var fileSchema = root.TryGetProperty("schema", out var s) ? s.GetString() : null;
            var fileVersion = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : -1;
            var fileIdentity = root.TryGetProperty("identity", out var id) ? id.GetString() : null;
            problem = fileSchema != schema ? $"its schema is '{fileSchema}', expected '{schema}'"
                : fileVersion != version ? $"it is version {fileVersion}, this library reads version {version}"
                : fileIdentity != identity ? $"it was written for identity {fileIdentity}, this one is {identity} (different strategies, items, repeats or evaluators)"
                : string.Empty;
            return problem.Length == 0;
        }
        catch (JsonException ex)
        {
            problem = $"its first line is not a JSON header ({ex.Message})";
            return false;
        }
    }
}
