using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;

namespace LlmStrategies.Experiments;

/// <summary>
/// An append-only JSONL file: a header line naming the schema, version and owner identity, then one record per line,
/// each appended and flushed to disk on its own.
/// </summary>
/// <remarks>
/// <para>
/// One writer at a time: a writer holds the file with an OS lock (<see cref="FileShare.None"/>: an exclusive
/// <c>flock</c> on Linux and macOS, a sharing lock on Windows) for as long as it is open, so a second writer, in this
/// process or another, fails at once with an <see cref="ExperimentFileException"/> naming the file instead of
/// interleaving its lines with the first one's. The OS releases the lock when the holder exits, even when it is killed.
/// </para>
/// <para>
/// Self-healing on open: a last line without its newline (a write torn by a crash) is cut off; a complete line that is
/// not a valid record (corrupt bytes, invalid UTF-8, a line mangled by an earlier writer) is skipped. Each is counted in
/// <see cref="SkippedLines"/> and reported in <see cref="Notes"/> with the file, the line and what to do; every other
/// record loads. Only a header of another schema, version or identity fails the open: the file belongs to something else.
/// </para>
/// </remarks>
internal sealed class JsonlJournal<T> : IDisposable
    where T : class
{
    private readonly FileStream _stream;
    private readonly JsonTypeInfo<T> _typeInfo;
    private readonly Lock _gate = new();

    private JsonlJournal(FileStream stream, JsonTypeInfo<T> typeInfo, List<T> records, List<string> notes, int skipped)
    {
        _stream = stream;
        _typeInfo = typeInfo;
        Records = records;
        Notes = notes;
        SkippedLines = skipped;
    }

    /// <summary>Gets the records read when the file was opened.</summary>
    public IReadOnlyList<T> Records { get; }

    /// <summary>Gets what was repaired or skipped on open (a torn last line, corrupt lines), for reports.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>Gets how many lines were skipped on open because they were torn or corrupt.</summary>
    public int SkippedLines { get; }

    /// <summary>Opens (or creates) the file; <paramref name="readOnly"/> reads an existing file without repairing or creating it.</summary>
    /// <exception cref="ExperimentFileException">Another writer holds the file, or its header belongs to something else.</exception>
    public static JsonlJournal<T> Open(string path, string schema, int version, string identity, JsonTypeInfo<T> typeInfo, string kind, bool readOnly = false)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full) ?? ".");
        var stream = OpenLocked(full, kind, readOnly);
        try
        {
            var header = $"{{\"schema\":\"{schema}\",\"version\":{version.ToString(CultureInfo.InvariantCulture)},\"identity\":\"{identity}\"}}";
            if (stream.Length == 0)
            {
                if (!readOnly)
                {
                    WriteLine(stream, Encoding.UTF8.GetBytes(header));
                }

                return new JsonlJournal<T>(stream, typeInfo, [], [], 0);
            }

            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            var reader = new Reader(full, kind, typeInfo);
            var complete = reader.CutTornLastLine(bytes);
            if (!readOnly && complete < bytes.Length)
            {
                stream.SetLength(complete);
            }

            reader.ReadHeader(bytes.AsSpan(0, complete), schema, version, identity);
            reader.ReadRecords(bytes.AsSpan(0, complete));
            if (!readOnly)
            {
                stream.Seek(0, SeekOrigin.End);
            }

            return new JsonlJournal<T>(stream, typeInfo, reader.Records, reader.Notes, reader.Skipped);
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

    /// <summary>
    /// Opens the file for writing under an exclusive OS lock, or for reading under a shared one (which fails while a
    /// writer holds the file, rather than reading lines that are still being written).
    /// </summary>
    private static FileStream OpenLocked(string full, string kind, bool readOnly)
    {
        try
        {
            return readOnly
                ? new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read)
                : new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex) when (ex.GetType() == typeof(IOException))
        {
            // A plain IOException (not FileNotFound, PathTooLong...) here is the OS refusing the lock: EWOULDBLOCK from
            // flock on Unix, ERROR_SHARING_VIOLATION on Windows.
            throw new ExperimentFileException(
                full,
                $"this {kind} is open for writing by another writer (another ExperimentRunner or JsonlResponseCache on the same file, in this process or in another process), and two writers would interleave their lines. " +
                $"Wait for the other one to finish, or give each concurrent run its own {kind} file. (The OS said: {ex.Message})",
                ex);
        }
    }

    private static void WriteLine(FileStream stream, byte[] json)
    {
        var line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        stream.Write(line);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Reads the header and the records of a journal's bytes, collecting what it skips.</summary>
    private sealed class Reader(string path, string kind, JsonTypeInfo<T> typeInfo)
    {
        public List<T> Records { get; } = [];

        public List<string> Notes { get; } = [];

        public int Skipped { get; private set; }

        /// <summary>Returns the length of the complete lines; a torn last line after them is reported.</summary>
        public int CutTornLastLine(byte[] bytes)
        {
            var complete = Array.LastIndexOf(bytes, (byte)'\n') + 1;
            if (complete < bytes.Length)
            {
                Skipped++;
                Notes.Add(string.Create(CultureInfo.InvariantCulture, $"{kind} '{path}': the last line ({bytes.Length - complete} bytes) was cut short, probably by a crash during a write; it was discarded and its item will run again. Nothing to do."));
            }

            return complete;
        }

        public void ReadHeader(ReadOnlySpan<byte> bytes, string schema, int version, string identity)
        {
            var end = bytes.IndexOf((byte)'\n');
            var line = end < 0 ? bytes : bytes[..end];
            string? problem;
            try
            {
                using var document = JsonDocument.Parse(line.ToArray());
                problem = FileHeader.Mismatch(document.RootElement, schema, version, identity);
            }
            catch (JsonException ex)
            {
                problem = line.IsEmpty ? "it has no header" : $"its first line is not a JSON header ({ex.Message})";
            }

            if (problem is not null)
            {
                throw new ExperimentFileException(path, $"this {kind} belongs to something else: {problem}. Delete it (or point the option at another file) to start afresh.", null);
            }
        }

        public void ReadRecords(ReadOnlySpan<byte> bytes)
        {
            var lineNumber = 1;
            var start = bytes.IndexOf((byte)'\n') + 1;
            while (start > 0 && start < bytes.Length)
            {
                lineNumber++;
                var length = bytes[start..].IndexOf((byte)'\n');
                var line = bytes.Slice(start, length);
                start += length + 1;
                if (!line.IsEmpty && TryRead(line, lineNumber) is { } record)
                {
                    Records.Add(record);
                }
            }
        }

        private T? TryRead(ReadOnlySpan<byte> line, int lineNumber)
        {
            string problem;
            if (!Utf8.IsValid(line))
            {
                problem = "it is not valid UTF-8";
            }
            else
            {
                try
                {
                    if (JsonSerializer.Deserialize(line, typeInfo) is { } record)
                    {
                        return record;
                    }

                    problem = "it is null";
                }
                catch (JsonException ex)
                {
                    problem = $"it is not a valid record ({ex.Message})";
                }
            }

            Skipped++;
            Notes.Add(string.Create(CultureInfo.InvariantCulture, $"{kind} '{path}' line {lineNumber}: {problem}, so it was skipped and its item will run again; the other lines loaded. The line is complete, so it was not torn by a crash: two writers on one file or a damaged disk are the usual causes. Delete the line to silence this note."));
            return null;
        }
    }
}
