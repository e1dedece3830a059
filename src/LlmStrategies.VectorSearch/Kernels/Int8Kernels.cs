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

    /// <summary>Raw sum Σ u·c of one query against one row (both padded to <paramref name="stride"/> bytes).</summary>
    /// <remarks>One row at a time, so a scan reads the codes as one sequential stream (see <see cref="FlatVectorIndex{TKey}"/>).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DotU8S8(sbyte* q, byte* row, int stride)
    {
        if (AvxVnni.IsSupported)
        {
            return Vnni256(q, row, stride);
        }

        if (Avx512BW.IsSupported)
        {
            return Widen512(q, row, stride);
        }

        if (Avx2.IsSupported)
        {
            return Widen256(q, row, stride);
        }

        if (Vector128.IsHardwareAccelerated)
        {
            return Widen128(q, row, stride);
        }

        return Scalar(q, row, stride);
    }

    internal static int Vnni256(sbyte* q, byte* row, int stride)
    {
        Vector256<int> a0 = Vector256<int>.Zero, a1 = a0;
        for (var i = 0; i < stride; i += 64)
        {
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, Vector256.Load(row + i), Vector256.Load(q + i));
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, Vector256.Load(row + i + 32), Vector256.Load(q + i + 32));
        }

        return Vector256.Sum(a0 + a1);
    }

    internal static int Widen512(sbyte* q, byte* row, int stride)
    {
        Vector512<int> a0 = Vector512<int>.Zero, a1 = a0;
        for (var i = 0; i < stride; i += 64)
        {
            a0 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.Load(row + i)), Avx512BW.ConvertToVector512Int16(Vector256.Load(q + i)));
            a1 += Avx512BW.MultiplyAddAdjacent(Avx512BW.ConvertToVector512Int16(Vector256.Load(row + i + 32)), Avx512BW.ConvertToVector512Int16(Vector256.Load(q + i + 32)));
        }

        return Vector512.Sum(a0 + a1);
    }

    internal static int Widen256(sbyte* q, byte* row, int stride)
    {
        Vector256<int> a0 = Vector256<int>.Zero, a1 = a0;
        for (var i = 0; i < stride; i += 32)
        {
            a0 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.Load(row + i)), Avx2.ConvertToVector256Int16(Vector128.Load(q + i)));
            a1 += Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(Vector128.Load(row + i + 16)), Avx2.ConvertToVector256Int16(Vector128.Load(q + i + 16)));
        }

        return Vector256.Sum(a0 + a1);
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
