using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmStrategies.VectorSearch.Kernels;

/// <summary>
/// Float32 scoring kernels over raw pointers. Callers validate dimensions once at the public boundary; the loops here
/// are branch-free apart from the vector-width dispatch, which the JIT folds because <c>IsHardwareAccelerated</c> is a
/// constant. Each width has its own entry point so tests can prove every one against a plain double-precision reference.
/// Scores: <see cref="Dot(float*, float*, int)"/> is the inner product; <see cref="NegativeSquaredL2(float*, float*, int)"/>
/// is <c>-‖a − b‖²</c> so that higher is better for every metric.
/// </summary>
internal static unsafe class FloatKernels
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(float* a, float* b, int d)
    {
        if (Vector512.IsHardwareAccelerated && d >= 16)
        {
            return Dot512(a, b, d);
        }

        if (Vector256.IsHardwareAccelerated && d >= 8)
        {
            return Dot256(a, b, d);
        }

        if (Vector128.IsHardwareAccelerated && d >= 4)
        {
            return Dot128(a, b, d);
        }

        return DotScalar(a, b, d);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float NegativeSquaredL2(float* a, float* b, int d)
    {
        if (Vector512.IsHardwareAccelerated && d >= 16)
        {
            return -SquaredL2_512(a, b, d);
        }

        if (Vector256.IsHardwareAccelerated && d >= 8)
        {
            return -SquaredL2_256(a, b, d);
        }

        if (Vector128.IsHardwareAccelerated && d >= 4)
        {
            return -SquaredL2_128(a, b, d);
        }

        return -SquaredL2Scalar(a, b, d);
    }

    /// <summary>Scores one query against the four consecutive rows at <paramref name="rows"/> (row stride <paramref name="d"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dot1x4(float* q, float* rows, int d, float* scores)
    {
        if (Vector512.IsHardwareAccelerated && d >= 16)
        {
            Dot1x4_512(q, rows, rows + d, rows + (2 * d), rows + (3 * d), d, scores);
        }
        else if (Vector256.IsHardwareAccelerated && d >= 8)
        {
            Dot1x4_256(q, rows, rows + d, rows + (2 * d), rows + (3 * d), d, scores);
        }
        else if (Vector128.IsHardwareAccelerated && d >= 4)
        {
            Dot1x4_128(q, rows, rows + d, rows + (2 * d), rows + (3 * d), d, scores);
        }
        else
        {
            for (var r = 0; r < 4; r++)
            {
                scores[r] = DotScalar(q, rows + (r * d), d);
            }
        }
    }

    /// <summary>Scores one query against four rows anywhere in memory (graph neighbours).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Dot1x4(float* q, float* r0, float* r1, float* r2, float* r3, int d, float* scores)
    {
        if (Vector512.IsHardwareAccelerated && d >= 16)
        {
            Dot1x4_512(q, r0, r1, r2, r3, d, scores);
        }
        else if (Vector256.IsHardwareAccelerated && d >= 8)
        {
            Dot1x4_256(q, r0, r1, r2, r3, d, scores);
        }
        else if (Vector128.IsHardwareAccelerated && d >= 4)
        {
            Dot1x4_128(q, r0, r1, r2, r3, d, scores);
        }
        else
        {
            scores[0] = DotScalar(q, r0, d);
            scores[1] = DotScalar(q, r1, d);
            scores[2] = DotScalar(q, r2, d);
            scores[3] = DotScalar(q, r3, d);
        }
    }

    /// <summary>Negative squared distances from one query to four rows anywhere in memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NegativeSquaredL2_1x4(float* q, float* r0, float* r1, float* r2, float* r3, int d, float* scores)
    {
        if (Vector512.IsHardwareAccelerated && d >= 16)
        {
            SquaredL2_1x4_512(q, r0, r1, r2, r3, d, scores);
        }
        else if (Vector256.IsHardwareAccelerated && d >= 8)
        {
            SquaredL2_1x4_256(q, r0, r1, r2, r3, d, scores);
        }
        else if (Vector128.IsHardwareAccelerated && d >= 4)
        {
            SquaredL2_1x4_128(q, r0, r1, r2, r3, d, scores);
        }
        else
        {
            scores[0] = SquaredL2Scalar(q, r0, d);
            scores[1] = SquaredL2Scalar(q, r1, d);
            scores[2] = SquaredL2Scalar(q, r2, d);
            scores[3] = SquaredL2Scalar(q, r3, d);
        }

        scores[0] = -scores[0];
        scores[1] = -scores[1];
        scores[2] = -scores[2];
        scores[3] = -scores[3];
    }

    // ---- single pair -------------------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Dot512(float* a, float* b, int d)
    {
        Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        var i = 0;
        for (; i <= d - 64; i += 64)
        {
            s0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(b + i), s0);
            s1 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i + 16), Vector512.Load(b + i + 16), s1);
            s2 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i + 32), Vector512.Load(b + i + 32), s2);
            s3 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i + 48), Vector512.Load(b + i + 48), s3);
        }

        for (; i <= d - 16; i += 16)
        {
            s0 = Vector512.FusedMultiplyAdd(Vector512.Load(a + i), Vector512.Load(b + i), s0);
        }

        var sum = Vector512.Sum((s0 + s1) + (s2 + s3));
        for (; i < d; i++)
        {
            sum = MathF.FusedMultiplyAdd(a[i], b[i], sum);
        }

        return sum;
    }

    internal static float Dot256(float* a, float* b, int d)
    {
        Vector256<float> s0 = Vector256<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        var i = 0;
        for (; i <= d - 32; i += 32)
        {
            s0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Vector256.Load(b + i), s0);
            s1 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i + 8), Vector256.Load(b + i + 8), s1);
            s2 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i + 16), Vector256.Load(b + i + 16), s2);
            s3 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i + 24), Vector256.Load(b + i + 24), s3);
        }

        for (; i <= d - 8; i += 8)
        {
            s0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Vector256.Load(b + i), s0);
        }

        var sum = Vector256.Sum((s0 + s1) + (s2 + s3));
        for (; i < d; i++)
        {
            sum = MathF.FusedMultiplyAdd(a[i], b[i], sum);
        }

        return sum;
    }

    internal static float Dot128(float* a, float* b, int d)
    {
        Vector128<float> s0 = Vector128<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        var i = 0;
        for (; i <= d - 16; i += 16)
        {
            s0 = Vector128.FusedMultiplyAdd(Vector128.Load(a + i), Vector128.Load(b + i), s0);
            s1 = Vector128.FusedMultiplyAdd(Vector128.Load(a + i + 4), Vector128.Load(b + i + 4), s1);
            s2 = Vector128.FusedMultiplyAdd(Vector128.Load(a + i + 8), Vector128.Load(b + i + 8), s2);
            s3 = Vector128.FusedMultiplyAdd(Vector128.Load(a + i + 12), Vector128.Load(b + i + 12), s3);
        }

        for (; i <= d - 4; i += 4)
        {
            s0 = Vector128.FusedMultiplyAdd(Vector128.Load(a + i), Vector128.Load(b + i), s0);
        }

        var sum = Vector128.Sum((s0 + s1) + (s2 + s3));
        for (; i < d; i++)
        {
            sum = MathF.FusedMultiplyAdd(a[i], b[i], sum);
        }

        return sum;
    }

    internal static float DotScalar(float* a, float* b, int d)
    {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        var i = 0;
        for (; i <= d - 4; i += 4)
        {
            s0 = MathF.FusedMultiplyAdd(a[i], b[i], s0);
            s1 = MathF.FusedMultiplyAdd(a[i + 1], b[i + 1], s1);
            s2 = MathF.FusedMultiplyAdd(a[i + 2], b[i + 2], s2);
            s3 = MathF.FusedMultiplyAdd(a[i + 3], b[i + 3], s3);
        }

        for (; i < d; i++)
        {
            s0 = MathF.FusedMultiplyAdd(a[i], b[i], s0);
        }

        return (s0 + s1) + (s2 + s3);
    }

    internal static float SquaredL2_512(float* a, float* b, int d)
    {
        Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        var i = 0;
        for (; i <= d - 64; i += 64)
        {
            var d0 = Vector512.Load(a + i) - Vector512.Load(b + i);
            var d1 = Vector512.Load(a + i + 16) - Vector512.Load(b + i + 16);
            var d2 = Vector512.Load(a + i + 32) - Vector512.Load(b + i + 32);
            var d3 = Vector512.Load(a + i + 48) - Vector512.Load(b + i + 48);
            s0 = Vector512.FusedMultiplyAdd(d0, d0, s0);
            s1 = Vector512.FusedMultiplyAdd(d1, d1, s1);
            s2 = Vector512.FusedMultiplyAdd(d2, d2, s2);
            s3 = Vector512.FusedMultiplyAdd(d3, d3, s3);
        }

        for (; i <= d - 16; i += 16)
        {
            var d0 = Vector512.Load(a + i) - Vector512.Load(b + i);
            s0 = Vector512.FusedMultiplyAdd(d0, d0, s0);
        }

        var sum = Vector512.Sum((s0 + s1) + (s2 + s3));
        for (; i < d; i++)
        {
            var t = a[i] - b[i];
            sum = MathF.FusedMultiplyAdd(t, t, sum);
        }

        return sum;
    }

    internal static float SquaredL2_256(float* a, float* b, int d)
    {
        Vector256<float> s0 = Vector256<float>.Zero, s1 = s0;
        var i = 0;
        for (; i <= d - 16; i += 16)
        {
            var d0 = Vector256.Load(a + i) - Vector256.Load(b + i);
            var d1 = Vector256.Load(a + i + 8) - Vector256.Load(b + i + 8);
            s0 = Vector256.FusedMultiplyAdd(d0, d0, s0);
            s1 = Vector256.FusedMultiplyAdd(d1, d1, s1);
        }

        for (; i <= d - 8; i += 8)
        {
            var d0 = Vector256.Load(a + i) - Vector256.Load(b + i);
            s0 = Vector256.FusedMultiplyAdd(d0, d0, s0);
        }

        var sum = Vector256.Sum(s0 + s1);
        for (; i < d; i++)
        {
            var t = a[i] - b[i];
            sum = MathF.FusedMultiplyAdd(t, t, sum);
        }

        return sum;
    }

    internal static float SquaredL2_128(float* a, float* b, int d)
    {
        Vector128<float> s0 = Vector128<float>.Zero, s1 = s0;
        var i = 0;
        for (; i <= d - 8; i += 8)
        {
            var d0 = Vector128.Load(a + i) - Vector128.Load(b + i);
            var d1 = Vector128.Load(a + i + 4) - Vector128.Load(b + i + 4);
            s0 = Vector128.FusedMultiplyAdd(d0, d0, s0);
            s1 = Vector128.FusedMultiplyAdd(d1, d1, s1);
        }

        for (; i <= d - 4; i += 4)
        {
            var d0 = Vector128.Load(a + i) - Vector128.Load(b + i);
            s0 = Vector128.FusedMultiplyAdd(d0, d0, s0);
        }

        var sum = Vector128.Sum(s0 + s1);
        for (; i < d; i++)
        {
            var t = a[i] - b[i];
            sum = MathF.FusedMultiplyAdd(t, t, sum);
        }

        return sum;
    }

    internal static float SquaredL2Scalar(float* a, float* b, int d)
    {
        float s0 = 0, s1 = 0;
        var i = 0;
        for (; i <= d - 2; i += 2)
        {
            var t0 = a[i] - b[i];
            var t1 = a[i + 1] - b[i + 1];
            s0 = MathF.FusedMultiplyAdd(t0, t0, s0);
            s1 = MathF.FusedMultiplyAdd(t1, t1, s1);
        }

        for (; i < d; i++)
        {
            var t = a[i] - b[i];
            s0 = MathF.FusedMultiplyAdd(t, t, s0);
        }

        return s0 + s1;
    }

    // ---- one query x four rows ----------------------------------------------------------------------------------

    internal static void Dot1x4_512(float* q, float* r0, float* r1, float* r2, float* r3, int d, float* scores)
    {
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        var i = 0;
        for (; i <= d - 16; i += 16)
        {
            var qq = Vector512.Load(q + i);
            a0 = Vector512.FusedMultiplyAdd(qq, Vector512.Load(r0 + i), a0);
            a1 = Vector512.FusedMultiplyAdd(qq, Vector512.Load(r1 + i), a1);
            a2 = Vector512.FusedMultiplyAdd(qq, Vector512.Load(r2 + i), a2);
            a3 = Vector512.FusedMultiplyAdd(qq, Vector512.Load(r3 + i), a3);
        }

        StoreSums(a0, a1, a2, a3, scores);
        for (; i < d; i++)
        {
            var qi = q[i];
            scores[0] = MathF.FusedMultiplyAdd(qi, r0[i], scores[0]);
            scores[1] = MathF.FusedMultiplyAdd(qi, r1[i], scores[1]);
            scores[2] = MathF.FusedMultiplyAdd(qi, r2[i], scores[2]);
            scores[3] = MathF.FusedMultiplyAdd(qi, r3[i], scores[3]);
        }
    }

    internal static void Dot1x4_256(float* q, float* r0, float* r1, float* r2, float* r3, int d, float* scores)
    {
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        var i = 0;
        for (; i <= d - 8; i += 8)
        {
            var qq = Vector256.Load(q + i);
            a0 = Vector256.FusedMultiplyAdd(qq, Vector256.Load(r0 + i), a0);
            a1 = Vector256.FusedMultiplyAdd(qq, Vector256.Load(r1 + i), a1);
            a2 = Vector256.FusedMultiplyAdd(qq, Vector256.Load(r2 + i), a2);
            a3 = Vector256.FusedMultiplyAdd(qq, Vector256.Load(r3 + i), a3);
        }

        scores[0] = Vector256.Sum(a0);
        scores[1] = Vector256.Sum(a1);
        scores[2] = Vector256.Sum(a2);
        scores[3] = Vector256.Sum(a3);
        for (; i < d; i++)
        {
            var qi = q[i];
            scores[0] = MathF.FusedMultiplyAdd(qi, r0[i], scores[0]);
            scores[1] = MathF.FusedMultiplyAdd(qi, r1[i], scores[1]);
            scores[2] = MathF.FusedMultiplyAdd(qi, r2[i], scores[2]);
            scores[3] = MathF.FusedMultiplyAdd(qi, r3[i], scores[3]);
        }
    }

    internal static void Dot1x4_128(float* q, float* r0, float* r1, float* r2, float* r3, int d, float* scores)
    {
        Vector128<float> a0 = Vector128<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        var i = 0;
        for (; i <= d - 4; i += 4)
        {
            var qq = Vector128.Load(q + i);
            a0 = Vector128.FusedMultiplyAdd(qq, Vector128.Load(r0 + i), a0);
            a1 = Vector128.FusedMultiplyAdd(qq, Vector128.Load(r1 + i), a1);
            a2 = Vector128.FusedMultiplyAdd(qq, Vector128.Load(r2 + i), a2);
            a3 = Vector128.FusedMultiplyAdd(qq, Vector128.Load(r3 + i), a3);
        }

        scores[0] = Vector128.Sum(a0);
        scores[1] = Vector128.Sum(a1);
        scores[2] = Vector128.Sum(a2);
        scores[3] = Vector128.Sum(a3);
        for (; i < d; i++)
        {
            var qi = q[i];
            scores[0] = MathF.FusedMultiplyAdd(qi, r0[i], scores[0]);
            scores[1] = MathF.FusedMultiplyAdd(qi, r1[i], scores[1]);
            scores[2] = MathF.FusedMultiplyAdd(qi, r2[i], scores[2]);
            scores[3] = MathF.FusedMultiplyAdd(qi, r3[i], scores[3]);
        }
    }

    internal static void SquaredL2_1x4_512(float* q, float* r0, float* r1, float* r2, float* r3, int d, float* scores)
    {
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        var i = 0;
        for (; i <= d - 16; i += 16)
        {
            var qq = Vector512.Load(q + i);
            var d0 = qq - Vector512.Load(r0 + i);
            var d1 = qq - Vector512.Load(r1 + i);
            var d2 = qq - Vector512.Load(r2 + i);
            var d3 = qq - Vector512.Load(r3 + i);
            a0 = Vector512.FusedMultiplyAdd(d0, d0, a0);
            a1 = Vector512.FusedMultiplyAdd(d1, d1, a1);
            a2 = Vector512.FusedMultiplyAdd(d2, d2, a2);
            a3 = Vector512.FusedMultiplyAdd(d3, d3, a3);
        }

        StoreSums(a0, a1, a2, a3, scores);
        for (; i < d; i++)
        {
            var qi = q[i];
            float t0 = qi - r0[i], t1 = qi - r1[i], t2 = qi - r2[i], t3 = qi - r3[i];
            scores[0] = MathF.FusedMultiplyAdd(t0, t0, scores[0]);
            scores[1] = MathF.FusedMultiplyAdd(t1, t1, scores[1]);
            scores[2] = MathF.FusedMultiplyAdd(t2, t2, scores[2]);
            scores[3] = MathF.FusedMultiplyAdd(t3, t3, scores[3]);
        }
    }

    internal static void SquaredL2_1x4_256(float* q, float* r0, float* r1, float* r2, float* r3, int d, float* scores)
    {
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        var i = 0;
        for (; i <= d - 8; i += 8)
        {
            var qq = Vector256.Load(q + i);
            var d0 = qq - Vector256.Load(r0 + i);
            var d1 = qq - Vector256.Load(r1 + i);
            var d2 = qq - Vector256.Load(r2 + i);
            var d3 = qq - Vector256.Load(r3 + i);
            a0 = Vector256.FusedMultiplyAdd(d0, d0, a0);
            a1 = Vector256.FusedMultiplyAdd(d1, d1, a1);
            a2 = Vector256.FusedMultiplyAdd(d2, d2, a2);
            a3 = Vector256.FusedMultiplyAdd(d3, d3, a3);
        }

        scores[0] = Vector256.Sum(a0);
        scores[1] = Vector256.Sum(a1);
        scores[2] = Vector256.Sum(a2);
        scores[3] = Vector256.Sum(a3);
        for (; i < d; i++)
        {
            var qi = q[i];
            float t0 = qi - r0[i], t1 = qi - r1[i], t2 = qi - r2[i], t3 = qi - r3[i];
            scores[0] = MathF.FusedMultiplyAdd(t0, t0, scores[0]);
            scores[1] = MathF.FusedMultiplyAdd(t1, t1, scores[1]);
            scores[2] = MathF.FusedMultiplyAdd(t2, t2, scores[2]);
            scores[3] = MathF.FusedMultiplyAdd(t3, t3, scores[3]);
        }
    }

    internal static void SquaredL2_1x4_128(float* q, float* r0, float* r1, float* r2, float* r3, int d, float* scores)
    {
        Vector128<float> a0 = Vector128<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
        var i = 0;
        for (; i <= d - 4; i += 4)
        {
            var qq = Vector128.Load(q + i);
            var d0 = qq - Vector128.Load(r0 + i);
            var d1 = qq - Vector128.Load(r1 + i);
            var d2 = qq - Vector128.Load(r2 + i);
            var d3 = qq - Vector128.Load(r3 + i);
            a0 = Vector128.FusedMultiplyAdd(d0, d0, a0);
            a1 = Vector128.FusedMultiplyAdd(d1, d1, a1);
            a2 = Vector128.FusedMultiplyAdd(d2, d2, a2);
            a3 = Vector128.FusedMultiplyAdd(d3, d3, a3);
        }

        scores[0] = Vector128.Sum(a0);
        scores[1] = Vector128.Sum(a1);
        scores[2] = Vector128.Sum(a2);
        scores[3] = Vector128.Sum(a3);
        for (; i < d; i++)
        {
            var qi = q[i];
            float t0 = qi - r0[i], t1 = qi - r1[i], t2 = qi - r2[i], t3 = qi - r3[i];
            scores[0] = MathF.FusedMultiplyAdd(t0, t0, scores[0]);
            scores[1] = MathF.FusedMultiplyAdd(t1, t1, scores[1]);
            scores[2] = MathF.FusedMultiplyAdd(t2, t2, scores[2]);
            scores[3] = MathF.FusedMultiplyAdd(t3, t3, scores[3]);
        }
    }

    /// <summary>
    /// Horizontal sums of four 512-bit accumulators into four floats. Folding 512→256, then three horizontal adds,
    /// costs about a third of four separate <see cref="Vector512.Sum{T}(Vector512{T})"/> reductions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StoreSums(Vector512<float> a0, Vector512<float> a1, Vector512<float> a2, Vector512<float> a3, float* scores)
    {
        if (Avx.IsSupported)
        {
            var t0 = a0.GetLower() + a0.GetUpper();
            var t1 = a1.GetLower() + a1.GetUpper();
            var t2 = a2.GetLower() + a2.GetUpper();
            var t3 = a3.GetLower() + a3.GetUpper();
            var h = Avx.HorizontalAdd(Avx.HorizontalAdd(t0, t1), Avx.HorizontalAdd(t2, t3));
            (h.GetLower() + h.GetUpper()).Store(scores);
        }
        else
        {
            scores[0] = Vector512.Sum(a0);
            scores[1] = Vector512.Sum(a1);
            scores[2] = Vector512.Sum(a2);
            scores[3] = Vector512.Sum(a3);
        }
    }
}
