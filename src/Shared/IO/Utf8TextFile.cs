using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace LlmStrategies.IO;

/// <summary>One line of a UTF-8 text file: its number, its text (without the line break), or where it is not UTF-8.</summary>
/// <param name="Number">The 1-based line number.</param>
/// <param name="Text">The text, or <see langword="null"/> when the line is not valid UTF-8.</param>
/// <param name="InvalidByte">The 1-based byte column of the first invalid UTF-8 sequence, or 0.</param>
/// <param name="Terminated">Whether a line break ended the line (only the last line of a file can lack one).</param>
internal readonly record struct Utf8Line(int Number, string? Text, int InvalidByte, bool Terminated);

/// <summary>
/// Reads text files strictly as UTF-8: a byte-order mark is skipped, and invalid UTF-8 is reported with its line and
/// byte instead of being turned silently into U+FFFD (what <see cref="File.ReadLines(string)"/> does) or surfacing as an
/// exception without the file's name (what <see cref="System.Text.Json.JsonElement.GetString"/> does).
/// </summary>
internal static class Utf8TextFile
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file's bytes without a leading UTF-8 byte-order mark.</summary>
    public static byte[] ReadAllBytes(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? bytes[3..] : bytes;
    }

    /// <summary>The line and byte column of the first invalid UTF-8 sequence in <paramref name="bytes"/>, or <see langword="null"/> when it is all valid.</summary>
    public static (int Line, int Column)? FindInvalid(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
        {
            return null;
        }

        var offset = InvalidOffset(bytes);
        var before = bytes[..offset];
        var lineStart = before.LastIndexOf((byte)'\n') + 1;
        return (before.Count((byte)'\n') + 1, offset - lineStart + 1);
    }

    /// <summary>Decodes bytes already checked with <see cref="FindInvalid"/>.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes) => Strict.GetString(bytes);

    /// <summary>Reads the lines of a file (streamed; "\n" or "\r\n" breaks; a byte-order mark on the first line is skipped).</summary>
    public static IEnumerable<Utf8Line> ReadLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 16];
        int start = 0, end = 0, number = 0;
        while (true)
        {
            var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                yield return Line(buffer.AsSpan(start, newline), ++number, terminated: true);
                start += newline + 1;
                continue;
            }

            if (start > 0)
            {
                buffer.AsSpan(start, end - start).CopyTo(buffer);
                end -= start;
                start = 0;
            }

            if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = stream.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                if (end > 0)
                {
                    yield return Line(buffer.AsSpan(0, end), ++number, terminated: false);
                }

                yield break;
            }

            end += read;
        }
    }

    private static Utf8Line Line(ReadOnlySpan<byte> bytes, int number, bool terminated)
    {
        if (number == 1 && bytes.StartsWith(Encoding.UTF8.Preamble))
        {
            bytes = bytes[3..];
        }

        if (bytes.EndsWith((byte)'\r'))
        {
            bytes = bytes[..^1];
        }

        return Utf8.IsValid(bytes)
            ? new Utf8Line(number, Strict.GetString(bytes), 0, terminated)
            : new Utf8Line(number, null, InvalidOffset(bytes) + 1, terminated);
    }

    private static int InvalidOffset(ReadOnlySpan<byte> bytes)
    {
        Span<char> scratch = stackalloc char[256];
        var offset = 0;
        while (true)
        {
            var status = Utf8.ToUtf16(bytes[offset..], scratch, out var read, out _, replaceInvalidSequences: false);
            offset += read;
            if (status != OperationStatus.DestinationTooSmall)
            {
                return offset;
            }
        }
    }
}
