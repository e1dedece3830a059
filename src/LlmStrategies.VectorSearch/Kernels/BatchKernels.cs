using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace LlmStrategies.VectorSearch.Kernels;

/// <summary>
/// Register-blocked kernels for batch search: four queries against four rows at once, sixteen 512-bit accumulators,
/// so every row load feeds four FMAs and every query load feeds four. Callers walk an L2-sized block of rows for each
/// group of four queries, so rows come from L2 and the queries stay in L1.
/// </summary>
internal static unsafe class BatchKernels
{
    /// <summary>True when the register-blocked tile is available; otherwise callers score each query with <see cref="FloatKernels.Dot1x4(float*, float*, int, float*)"/>.</summary>
    public static bool TileAccelerated => Vector512.IsHardwareAccelerated;

    /// <summary>
    /// Inner products of queries <c>q[0..3]</c> (consecutive, stride <paramref name="d"/>) with rows <c>x[0..3]</c>
    /// (consecutive, stride <paramref name="d"/>); <c>scores[4·a + b]</c> = q<sub>a</sub>·x<sub>b</sub>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot4x4_512(float* q, float* x, int d, float* scores)
    {
        Vector512<float> a00 = Vector512<float>.Zero, a01 = a00, a02 = a00, a03 = a00;
        Vector512<float> a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        Vector512<float> a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        Vector512<float> a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        float* x0 = x, x1 = x + d, x2 = x + (2 * d), x3 = x + (3 * d);
        float* q0 = q, q1 = q + d, q2 = q + (2 * d), q3 = q + (3 * d);
        var i = 0;
        for (; i <= d - 16; i += 16)
        {
            var v0 = Vector512.Load(x0 + i);
            var v1 = Vector512.Load(x1 + i);
            var v2 = Vector512.Load(x2 + i);
            var v3 = Vector512.Load(x3 + i);
            var qq = Vector512.Load(q0 + i);
            a00 = Vector512.FusedMultiplyAdd(qq, v0, a00);
            a01 = Vector512.FusedMultiplyAdd(qq, v1, a01);
            a02 = Vector512.FusedMultiplyAdd(qq, v2, a02);
            a03 = Vector512.FusedMultiplyAdd(qq, v3, a03);
            qq = Vector512.Load(q1 + i);
            a10 = Vector512.FusedMultiplyAdd(qq, v0, a10);
            a11 = Vector512.FusedMultiplyAdd(qq, v1, a11);
            a12 = Vector512.FusedMultiplyAdd(qq, v2, a12);
            a13 = Vector512.FusedMultiplyAdd(qq, v3, a13);
            qq = Vector512.Load(q2 + i);
            a20 = Vector512.FusedMultiplyAdd(qq, v0, a20);
            a21 = Vector512.FusedMultiplyAdd(qq, v1, a21);
            a22 = Vector512.FusedMultiplyAdd(qq, v2, a22);
            a23 = Vector512.FusedMultiplyAdd(qq, v3, a23);
            qq = Vector512.Load(q3 + i);
            a30 = Vector512.FusedMultiplyAdd(qq, v0, a30);
            a31 = Vector512.FusedMultiplyAdd(qq, v1, a31);
            a32 = Vector512.FusedMultiplyAdd(qq, v2, a32);
            a33 = Vector512.FusedMultiplyAdd(qq, v3, a33);
        }

        FloatKernels.StoreSums(a00, a01, a02, a03, scores);
        FloatKernels.StoreSums(a10, a11, a12, a13, scores + 4);
        FloatKernels.StoreSums(a20, a21, a22, a23, scores + 8);
        FloatKernels.StoreSums(a30, a31, a32, a33, scores + 12);
        for (; i < d; i++)
        {
            for (var a = 0; a < 4; a++)
            {
                var qa = q[(a * d) + i];
                for (var b = 0; b < 4; b++)
                {
                    scores[(a * 4) + b] = MathF.FusedMultiplyAdd(qa, x[(b * d) + i], scores[(a * 4) + b]);
                }
            }
        }
    }

    /// <summary>Negative squared distances of four queries to four rows; same layout as <see cref="Dot4x4_512"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void NegativeSquaredL2_4x4_512(float* q, float* x, int d, float* scores)
    {
        Vector512<float> a00 = Vector512<float>.Zero, a01 = a00, a02 = a00, a03 = a00;
        Vector512<float> a10 = a00, a11 = a00, a12 = a00, a13 = a00;
        Vector512<float> a20 = a00, a21 = a00, a22 = a00, a23 = a00;
        Vector512<float> a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        float* x0 = x, x1 = x + d, x2 = x + (2 * d), x3 = x + (3 * d);
        float* q0 = q, q1 = q + d, q2 = q + (2 * d), q3 = q + (3 * d);
        var i = 0;
        for (; i <= d - 16; i += 16)
        {
            var v0 = Vector512.Load(x0 + i);
            var v1 = Vector512.Load(x1 + i);
            var v2 = Vector512.Load(x2 + i);
            var v3 = Vector512.Load(x3 + i);
            var qq = Vector512.Load(q0 + i);
            var t0 = qq - v0;
            var t1 = qq - v1;
            var t2 = qq - v2;
            var t3 = qq - v3;
            a00 = Vector512.FusedMultiplyAdd(t0, t0, a00);
            a01 = Vector512.FusedMultiplyAdd(t1, t1, a01);
            a02 = Vector512.FusedMultiplyAdd(t2, t2, a02);
            a03 = Vector512.FusedMultiplyAdd(t3, t3, a03);
            qq = Vector512.Load(q1 + i);
            t0 = qq - v0;
            t1 = qq - v1;
            t2 = qq - v2;
            t3 = qq - v3;
            a10 = Vector512.FusedMultiplyAdd(t0, t0, a10);
            a11 = Vector512.FusedMultiplyAdd(t1, t1, a11);
            a12 = Vector512.FusedMultiplyAdd(t2, t2, a12);
            a13 = Vector512.FusedMultiplyAdd(t3, t3, a13);
            qq = Vector512.Load(q2 + i);
            t0 = qq - v0;
            t1 = qq - v1;
            t2 = qq - v2;
            t3 = qq - v3;
            a20 = Vector512.FusedMultiplyAdd(t0, t0, a20);
            a21 = Vector512.FusedMultiplyAdd(t1, t1, a21);
            a22 = Vector512.FusedMultiplyAdd(t2, t2, a22);
            a23 = Vector512.FusedMultiplyAdd(t3, t3, a23);
            qq = Vector512.Load(q3 + i);
            t0 = qq - v0;
            t1 = qq - v1;
            t2 = qq - v2;
            t3 = qq - v3;
            a30 = Vector512.FusedMultiplyAdd(t0, t0, a30);
            a31 = Vector512.FusedMultiplyAdd(t1, t1, a31);
            a32 = Vector512.FusedMultiplyAdd(t2, t2, a32);
            a33 = Vector512.FusedMultiplyAdd(t3, t3, a33);
        }

        FloatKernels.StoreSums(a00, a01, a02, a03, scores);
        FloatKernels.StoreSums(a10, a11, a12, a13, scores + 4);
        FloatKernels.StoreSums(a20, a21, a22, a23, scores + 8);
        FloatKernels.StoreSums(a30, a31, a32, a33, scores + 12);
        for (; i < d; i++)
        {
            for (var a = 0; a < 4; a++)
            {
                var qa = q[(a * d) + i];
                for (var b = 0; b < 4; b++)
                {
                    var t = qa - x[(b * d) + i];
                    scores[(a * 4) + b] = MathF.FusedMultiplyAdd(t, t, scores[(a * 4) + b]);
                }
            }
        }

        for (var s = 0; s < 16; s++)
        {
            scores[s] = -scores[s];
        }
    }
}
