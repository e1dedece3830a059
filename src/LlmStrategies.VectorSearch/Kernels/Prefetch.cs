using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace LlmStrategies.VectorSearch.Kernels;

/// <summary>Software prefetch for sequential scans (a no-op where the CPU has no prefetch instruction exposed).</summary>
internal static unsafe class Prefetch
{
    /// <summary>How far ahead of the row being scored a scan prefetches: two 4 KiB pages.</summary>
    public const int Distance = 8192;

    /// <summary>Prefetches the <paramref name="bytes"/> that lie <see cref="Distance"/> bytes after <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Ahead(void* row, int bytes)
    {
        if (Sse.IsSupported)
        {
            var ahead = (byte*)row + Distance;
            for (var line = 0; line < bytes; line += 64)
            {
                Sse.Prefetch0(ahead + line);
            }
        }
    }
}
