using System.Text;

namespace LlmStrategies.IO;

/// <summary>
/// Writes files atomically: a temporary file beside the target, flushed to disk, then renamed over the target, so a
/// crash or an exception leaves either the old file or the new one, never a torn one. Every file this library writes
/// goes through here.
/// </summary>
/// <remarks>
/// A process killed mid-save leaves its temporary file (<c>.name.&lt;guid&gt;.tmp</c>) behind. The next save of the
/// same target, and every load that calls <see cref="RemoveOrphans"/>, deletes such orphans. A temporary file is
/// held open (under an OS lock) from its creation until after the rename, so one that can be opened exclusively has no
/// writer any more and is safe to delete; another process's save in progress is never touched.
/// </remarks>
internal static class AtomicFile
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes the file with <paramref name="write"/>; <paramref name="beforeRename"/> runs after the flush (tests use it to simulate a crash).</summary>
    public static void Write(string path, Action<Stream> write, Action? beforeRename = null)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(directory);
        RemoveOrphans(full);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            // FileShare.Delete lets the rename happen while the file is still open (Windows needs it; Unix allows it), and
            // keeps a shared OS lock on the temporary file until it is renamed, so RemoveOrphans never takes it for an orphan.
            using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.Delete, 1 << 16);
            write(stream);
            stream.Flush(flushToDisk: true);
            beforeRename?.Invoke();
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte-order mark.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, Utf8NoBom.GetBytes(text));

    /// <summary>Writes <paramref name="bytes"/>.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>
    /// Deletes the temporary files that interrupted saves of <paramref name="path"/> left behind; files still held open by
    /// a save in progress (in any process) are left alone. Never throws: cleaning up must not fail a load or a save.
    /// </summary>
    /// <param name="path">The target file.</param>
    /// <returns>How many orphans were deleted.</returns>
    public static int RemoveOrphans(string path)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full);
        var prefix = "." + Path.GetFileName(full) + ".";
        if (directory is null || !Directory.Exists(directory))
        {
            return 0;
        }

        var removed = 0;
        try
        {
            foreach (var candidate in Directory.EnumerateFiles(directory, "*.tmp"))
            {
                var name = Path.GetFileName(candidate);
                if (name.Length == prefix.Length + 36 && name.StartsWith(prefix, StringComparison.Ordinal) && Guid.TryParseExact(name.AsSpan(prefix.Length, 32), "N", out _)
                    && TryDeleteUnheld(candidate))
                {
                    removed++;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The folder could not be listed; the orphans stay until a later attempt.
        }

        return removed;
    }

    private static bool TryDeleteUnheld(string temporary)
    {
        try
        {
            // Exclusive open: fails while a writer holds the file (flock on Unix, sharing on Windows); closing deletes it.
            using var probe = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
