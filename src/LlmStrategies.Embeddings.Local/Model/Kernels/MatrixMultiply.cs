using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmStrategies.Embeddings.Local.Model.Kernels;

/// <summary>How <see cref="MatrixMultiply"/> writes C from the product P = A x B and the bias b.</summary>
internal enum Epilogue
{
    /// <summary>C = P + b.</summary>
    Store,

    /// <summary>C = max(P + b, 0).</summary>
    StoreRelu,

    /// <summary>C = C + P + b (a residual connection).</summary>
    Accumulate,
}

/// <summary>
/// Single-threaded float32 matrix multiply C[M, N] = A[M, K] x B[K, N] (+ bias, ReLU or residual),
/// blocked GotoBLAS-style: B is pre-packed in 32-column panels (<see cref="PackedMatrix"/>), A is packed per
/// row block into 12-row k-major strips, and a 12x32 register-tiled micro-kernel keeps 24 AVX-512
/// accumulators live (2 panel loads + 12 broadcasts per 24 FMAs, so it is FMA-bound, not load-bound).
/// A portable Vector128 kernel serves machines without AVX-512.
/// </summary>
internal static unsafe class MatrixMultiply
{
    /// <summary>Columns per packed B panel.</summary>
    public const int PanelWidth = 32;

    /// <summary>Rows per packed A strip (micro-kernel height).</summary>
    public const int MicroRows = 12;

    // The packed A block is sized to stay in L2 together with one B panel while the micro-kernel
    // sweeps all panels; 96 Ki floats (384 KiB) is well inside a typical 1 MiB L2.
    private const int PackBudgetFloats = 96 * 1024;

    /// <summary>Floats the pack buffer needs for a reduction length of <paramref name="k"/>.</summary>
    public static int PackBufferLength(int k) => BlockRows(k) * k;

    /// <summary>C[m, N] (row stride <paramref name="ldc"/>) from A[m, K] (row stride <paramref name="lda"/>) and packed B.</summary>
    public static void Multiply(float* a, int lda, int m, PackedMatrix b, float* c, int ldc, Epilogue epilogue, float* pack, bool useVector512)
    {
        var k = b.Rows;
        var panels = b.Columns / PanelWidth;
        var blockRows = BlockRows(k);
        for (var rowStart = 0; rowStart < m; rowStart += blockRows)
        {
            var rows = Math.Min(blockRows, m - rowStart);
            PackRows(a + ((nint)rowStart * lda), lda, rows, k, pack);
            for (var panel = 0; panel < panels; panel++)
            {
                var bPanel = b.Panels + ((nint)panel * k * PanelWidth);
                var bias = b.Bias + (panel * PanelWidth);
                for (var strip = 0; strip < rows; strip += MicroRows)
                {
                    var aStrip = pack + ((nint)strip * k);
                    var cTile = c + ((nint)(rowStart + strip) * ldc) + (panel * PanelWidth);
                    var stripRows = Math.Min(MicroRows, rows - strip);
                    if (useVector512)
                    {
                        Kernel512(aStrip, bPanel, k, cTile, ldc, bias, stripRows, epilogue);
                    }
                    else
                    {
                        KernelPortable(aStrip, bPanel, k, cTile, ldc, bias, stripRows, epilogue);
                    }
                }
            }
        }
    }

    private static int BlockRows(int k) => Math.Max(MicroRows, PackBudgetFloats / k / MicroRows * MicroRows);

    // Strip s of the block holds A[s*MR + r, p] at pack[(s*K + p)*MR + r]; rows past the end are zero.
    private static void PackRows(float* a, int lda, int rows, int k, float* pack)
    {
        var strips = (rows + MicroRows - 1) / MicroRows;
        for (var strip = 0; strip < strips; strip++)
        {
            var destination = pack + ((nint)strip * k * MicroRows);
            for (var r = 0; r < MicroRows; r++)
            {
                var row = (strip * MicroRows) + r;
                if (row < rows)
                {
                    var source = a + ((nint)row * lda);
                    for (var p = 0; p < k; p++)
                    {
                        destination[(p * MicroRows) + r] = source[p];
                    }
                }
                else
                {
                    for (var p = 0; p < k; p++)
                    {
                        destination[(p * MicroRows) + r] = 0f;
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512(float* a, float* b, int k, float* c, int ldc, float* bias, int rows, Epilogue epilogue)
    {
        Vector512<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default, c3a = default, c3b = default, c4a = default, c4b = default, c5a = default, c5b = default, c6a = default, c6b = default, c7a = default, c7b = default, c8a = default, c8b = default, c9a = default, c9b = default, c10a = default, c10b = default, c11a = default, c11b = default;
        for (var p = 0; p < k; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            Vector512<float> x;
            x = Vector512.Create(a[0]);
            c0a = Vector512.FusedMultiplyAdd(x, b0, c0a);
            c0b = Vector512.FusedMultiplyAdd(x, b1, c0b);
            x = Vector512.Create(a[1]);
            c1a = Vector512.FusedMultiplyAdd(x, b0, c1a);
            c1b = Vector512.FusedMultiplyAdd(x, b1, c1b);
            x = Vector512.Create(a[2]);
            c2a = Vector512.FusedMultiplyAdd(x, b0, c2a);
            c2b = Vector512.FusedMultiplyAdd(x, b1, c2b);
            x = Vector512.Create(a[3]);
            c3a = Vector512.FusedMultiplyAdd(x, b0, c3a);
            c3b = Vector512.FusedMultiplyAdd(x, b1, c3b);
            x = Vector512.Create(a[4]);
            c4a = Vector512.FusedMultiplyAdd(x, b0, c4a);
            c4b = Vector512.FusedMultiplyAdd(x, b1, c4b);
            x = Vector512.Create(a[5]);
            c5a = Vector512.FusedMultiplyAdd(x, b0, c5a);
            c5b = Vector512.FusedMultiplyAdd(x, b1, c5b);
            x = Vector512.Create(a[6]);
            c6a = Vector512.FusedMultiplyAdd(x, b0, c6a);
            c6b = Vector512.FusedMultiplyAdd(x, b1, c6b);
            x = Vector512.Create(a[7]);
            c7a = Vector512.FusedMultiplyAdd(x, b0, c7a);
            c7b = Vector512.FusedMultiplyAdd(x, b1, c7b);
            x = Vector512.Create(a[8]);
            c8a = Vector512.FusedMultiplyAdd(x, b0, c8a);
            c8b = Vector512.FusedMultiplyAdd(x, b1, c8b);
            x = Vector512.Create(a[9]);
            c9a = Vector512.FusedMultiplyAdd(x, b0, c9a);
            c9b = Vector512.FusedMultiplyAdd(x, b1, c9b);
            x = Vector512.Create(a[10]);
            c10a = Vector512.FusedMultiplyAdd(x, b0, c10a);
            c10b = Vector512.FusedMultiplyAdd(x, b1, c10b);
            x = Vector512.Create(a[11]);
            c11a = Vector512.FusedMultiplyAdd(x, b0, c11a);
            c11b = Vector512.FusedMultiplyAdd(x, b1, c11b);
            a += MicroRows;
            b += PanelWidth;
        }

        var bias0 = Vector512.Load(bias);
        var bias1 = Vector512.Load(bias + 16);
        StoreRow(c + (0 * ldc), c0a, c0b, bias0, bias1, epilogue);

        if (rows <= 1)
        {
            return;
        }

        StoreRow(c + (1 * ldc), c1a, c1b, bias0, bias1, epilogue);

        if (rows <= 2)
        {
            return;
        }

        StoreRow(c + (2 * ldc), c2a, c2b, bias0, bias1, epilogue);

        if (rows <= 3)
        {
            return;
        }

        StoreRow(c + (3 * ldc), c3a, c3b, bias0, bias1, epilogue);

        if (rows <= 4)
        {
            return;
        }

        StoreRow(c + (4 * ldc), c4a, c4b, bias0, bias1, epilogue);

        if (rows <= 5)
        {
            return;
        }

        StoreRow(c + (5 * ldc), c5a, c5b, bias0, bias1, epilogue);

        if (rows <= 6)
        {
            return;
        }

        StoreRow(c + (6 * ldc), c6a, c6b, bias0, bias1, epilogue);

        if (rows <= 7)
        {
            return;
        }

        StoreRow(c + (7 * ldc), c7a, c7b, bias0, bias1, epilogue);

        if (rows <= 8)
        {
            return;
        }

        StoreRow(c + (8 * ldc), c8a, c8b, bias0, bias1, epilogue);

        if (rows <= 9)
        {
            return;
        }

        StoreRow(c + (9 * ldc), c9a, c9b, bias0, bias1, epilogue);

        if (rows <= 10)
        {
            return;
        }

        StoreRow(c + (10 * ldc), c10a, c10b, bias0, bias1, epilogue);

        if (rows <= 11)
        {
            return;
        }

        StoreRow(c + (11 * ldc), c11a, c11b, bias0, bias1, epilogue);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector512<float> lo, Vector512<float> hi, Vector512<float> bias0, Vector512<float> bias1, Epilogue epilogue)
    {
        lo += bias0;
        hi += bias1;
        switch (epilogue)
        {
            case Epilogue.StoreRelu:
                lo = Vector512.Max(lo, Vector512<float>.Zero);
                hi = Vector512.Max(hi, Vector512<float>.Zero);
                break;
            case Epilogue.Accumulate:
                lo += Vector512.Load(c);
                hi += Vector512.Load(c + 16);
                break;
            default:
                break;
        }

        lo.Store(c);
        hi.Store(c + 16);
    }

    // Portable fallback: one row at a time, 8 Vector128 accumulators across the 32-column panel.
    private static void KernelPortable(float* a, float* b, int k, float* c, int ldc, float* bias, int rows, Epilogue epilogue)
    {
        var accumulators = stackalloc Vector128<float>[PanelWidth / 4];
        for (var r = 0; r < rows; r++)
        {
            for (var v = 0; v < PanelWidth / 4; v++)
            {
                accumulators[v] = Vector128.Load(bias + (v * 4));
            }

            for (var p = 0; p < k; p++)
            {
                var x = Vector128.Create(a[(p * MicroRows) + r]);
                var panelRow = b + (p * PanelWidth);
                for (var v = 0; v < PanelWidth / 4; v++)
                {
                    accumulators[v] = Vector128.FusedMultiplyAdd(x, Vector128.Load(panelRow + (v * 4)), accumulators[v]);
                }
            }

            var cRow = c + ((nint)r * ldc);
            for (var v = 0; v < PanelWidth / 4; v++)
            {
                var value = accumulators[v];
                switch (epilogue)
                {
                    case Epilogue.StoreRelu:
                        value = Vector128.Max(value, Vector128<float>.Zero);
                        break;
                    case Epilogue.Accumulate:
                        value += Vector128.Load(cRow + (v * 4));
                        break;
                    default:
                        break;
                }

                value.Store(cRow + (v * 4));
            }
        }
    }
}
