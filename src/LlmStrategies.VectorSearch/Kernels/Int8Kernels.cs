using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LlmStrategies.VectorSearch.Kernels;

/// <summary>
/// Int8 scalar quantisation and the integer dot product behind <see cref="QuantizedVectorIndex{TKey}"/>.
/// A row x is stored as unsigned bytes <c>u = round(x / s) + 128</c> with one scale <c>s = max|x| / 127</c> per row; a
/// query q as signed bytes <c>c = round(q / t)</c>. Then <c>Σ u·c = Σ (x/s)(q/t) + 128·Σc</c>, so
/// <c>q·x ≈ s·t·(Σ u·c − 128·Σc)</c>: the correction depends on the query only, and the unsigned × signed product is
/// exactly what VNNI's <c>vpdpbusd</c> computes. Rows and queries are zero-padded (128 / 0) to <see cref="Stride"/>,
/// so the kernels have no tail.
/// </summary>
internal static unsafe class Int8Kernels
{
    /// <summary>Bytes per padded row for dimension <paramref name="dimension"/>: a multiple of 64.</summary>
    public static int Stride(int dimension) => (dimension + 63) & ~63;

    /// <summary>Quantises one row; returns its scale.</summary>
    public static float QuantizeRow(float* x, int d, byte* codes, int stride)
    {
        var max = MaxMagnitude(x, d);
        if (max == 0)
        {
            new Span<byte>(codes, stride).Fill(128);
            return 0;
        }

        var inverse = 127f / max;
        for (var i = 0; i < d; i++)
        {
            codes[i] = (byte)(Math.Clamp((int)MathF.Round(x[i] * inverse), -127, 127) + 128);
        }

        new Span<byte>(codes + d, stride - d).Fill(128);
        return max / 127f;
    }

    /// <summary>Quantises one query; returns its scale and the sum of its codes.</summary>
    public static float QuantizeQuery(float* q, int d, sbyte* codes, int stride, out int codeSum)
    {
        var max = MaxMagnitude(q, d);
        codeSum = 0;
        if (max == 0)
        {
            new Span<sbyte>(codes, stride).Clear();
            return 0;
        }

        var inverse = 127f / max;
        for (var i = 0; i < d; i++)
        {
            var c = Math.Clamp((int)MathF.Round(q[i] * inverse), -127, 127);
            codes[i] = (sbyte)c;
            codeSum += c;
        }

        new Span<sbyte>(codes + d, stride - d).Clear();
        return max / 127f;
    }

    /// <summary>Raw sums Σ u·c of one query against four consecutive rows (stride bytes apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DotU8S8_1x4(sbyte* q, byte* rows, int stride, int* sums)
    {
        if (AvxVnni.IsSupported)
        {
            Vnni256(q, rows, stride, sums);
        }
        else if (Avx512BW.IsSupported)
        {
            Widen512(q, rows, stride, sums);
        }
        else if (Avx2.IsSupported)
        {
            Widen256(q, rows, stride, sums);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            for (var r = 0; r < 4; r++)
            {
                sums[r] = Widen128(q, rows + (r * stride), stride);
            }
        }
        else
        {
            for (var r = 0; r < 4; r++)
            {
                sums[r] = Scalar(q, rows + (r * stride), stride);
            }
        }
    }

    /// <summary>Raw sum Σ u·c of one query against one row.</summary>
    public static int DotU8S8(sbyte* q, byte* row, int stride)
    {
        if (Vector128.IsHardwareAccelerated)
        {
            return Widen128(q, row, stride);
        }

        return Scalar(q, row, stride);
    }

    internal static void Vnni256(sbyte* q, byte* rows, int stride, int* sums)
    {
        Vector256<int> a0 = Vector256<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
        byte* r0 = rows, r1 = rows + stride, r2 = rows + (2 * stride), r3 = rows + (3 * stride);
        for (var i = 0; i < stride; i += 32)
        {
            var qq = Vector256.Load(q + i);
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, Vector256.Load(r0 + i), qq);
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, Vector256.Load(r1 + i), qq);
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, Vector256.Load(r2 + i), qq);
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, Vector256.Load(r3 + i), qq);
        }

        sums[0] = Vector256.Sum(a0);
        sums[1] = Vector256.Sum(a1);
        sums[2] = Vector256.Sum(a2);
        sums[3] = Vector256.Sum(a3);
    }

    internal static void Widen512(sbyte* q, byte* rows, int stride, int* sums)
    {
        Vector512<int> a0 = Vector512<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
        byte* r0 = rows, r1 = rows + stride, r2 = rows + (2 * stride), r3 = rows + (3 * stride);
        for (var i = 0; i < stride; i += 32)
        {
            var qq = Avx512BW.ConvertToVector512Int16(Vector256.Load(q + i));
            a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.Load(r0 + i)), qq);
            a1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.Load(r1 + i)), qq);
            a2 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.Load(r2 + i)), qq);
            a3 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.Load(r3 + i)), qq);
        }

        sums[0] = Vector512.Sum(a0);
        sums[1] = Vector512.Sum(a1);
        sums[2] = Vector512.Sum(a2);
        sums[3] = Vector512.Sum(a3);
    }

    internal static void Widen256(sbyte* q, byte* rows, int stride, int* sums)
    {
        Vector256<int> a0 = Vector256<int>.Zero, a1 = a0, a2 = a0, a3 = a0;
        byte* r0 = rows, r1 = rows + stride, r2 = rows + (2 * stride), r3 = rows + (3 * stride);
        for (var i = 0; i < stride; i += 16)
        {
            var qq = Avx2.ConvertToVector256Int16(Vector128.Load(q + i));
            a0 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.Load(r0 + i)), qq);
            a1 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.Load(r1 + i)), qq);
            a2 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.Load(r2 + i)), qq);
            a3 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.Load(r3 + i)), qq);
        }

        sums[0] = Vector256.Sum(a0);
        sums[1] = Vector256.Sum(a1);
        sums[2] = Vector256.Sum(a2);
        sums[3] = Vector256.Sum(a3);
    }

    internal static int Widen128(sbyte* q, byte* row, int stride)
    {
        var acc = Vector128<int>.Zero;
        for (var i = 0; i < stride; i += 16)
        {
            var r = Vector128.Load(row + i);
            var c = Vector128.Load(q + i);

            // |u·c| ≤ 255·127 < 2^15, so 16-bit products are exact before widening to 32 bits.
            var lo = Vector128.WidenLower(r).AsInt16() * Vector128.WidenLower(c);
            var hi = Vector128.WidenUpper(r).AsInt16() * Vector128.WidenUpper(c);
            acc += Vector128.WidenLower(lo) + Vector128.WidenUpper(lo) + Vector128.WidenLower(hi) + Vector128.WidenUpper(hi);
        }

        return Vector128.Sum(acc);
    }

    internal static int Scalar(sbyte* q, byte* row, int stride)
    {
        var sum = 0;
        for (var i = 0; i < stride; i++)
        {
            sum += row[i] * q[i];
        }

        return sum;
    }

    private static float MaxMagnitude(float* x, int d) => MathF.Abs(TensorPrimitives.MaxMagnitude(new ReadOnlySpan<float>(x, d)));
}
