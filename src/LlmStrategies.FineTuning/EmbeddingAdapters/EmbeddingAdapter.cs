using System.Buffers;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using LlmStrategies.Retrieval;

namespace LlmStrategies.FineTuning.EmbeddingAdapters;

/// <summary>
/// A fine-tuned correction for an embedding model: a residual low-rank linear map followed by L2 normalisation,
/// <c>f(x) = normalize(x + Bᵀ·(A·x))</c> with A and B of shape rank × dimensions. Trained by
/// <see cref="EmbeddingAdapterTrainer"/> on (query, relevant passage) pairs so that queries land nearer their passages;
/// applied to every embedding (queries and documents alike) by <see cref="AdaptedEmbeddingGenerator"/>. With B = 0 it
/// is the identity (up to normalisation), which is where training starts.
/// </summary>
/// <remarks>Immutable and thread-safe. Saved and loaded as a versioned, checksummed binary file.</remarks>
public sealed class EmbeddingAdapter
{
    private const int FormatVersion = 1;
    private const int StackLimit = 1024;
    private static ReadOnlySpan<byte> Magic => "LSEMBADP"u8;

    private readonly float[] _down;
    private readonly float[] _up;
    private string? _fingerprint;

    internal EmbeddingAdapter(int dimensions, int rank, float[] down, float[] up, string? baseModelId)
    {
        Dimensions = dimensions;
        Rank = rank;
        _down = down;
        _up = up;
        BaseModelId = baseModelId;
    }

    /// <summary>Gets the length of the embeddings the adapter takes and returns.</summary>
    public int Dimensions { get; }

    /// <summary>Gets the rank of the correction (its number of free directions).</summary>
    public int Rank { get; }

    /// <summary>
    /// Gets the model id of the embeddings the adapter was trained on, or <see langword="null"/> when unknown. The
    /// adapter means nothing for another model's embeddings; <see cref="AdaptedEmbeddingGenerator"/> refuses them.
    /// </summary>
    public string? BaseModelId { get; }

    /// <summary>Gets a short stable hash of the adapter's parameters, to tell adapters (and their cached vectors) apart.</summary>
    public string Fingerprint => _fingerprint ??= ComputeFingerprint();

    /// <summary>The A matrix (rank × dimensions, row-major): projects an embedding onto the correction's directions.</summary>
    internal ReadOnlySpan<float> Down => _down;

    /// <summary>The B matrix (rank × dimensions, row-major): maps the projection back into the embedding space.</summary>
    internal ReadOnlySpan<float> Up => _up;

    /// <summary>Creates the identity adapter (B = 0) with A drawn from N(0, 1/dimensions), training's starting point.</summary>
    internal static EmbeddingAdapter CreateInitial(int dimensions, int rank, string? baseModelId, Random random)
    {
        var down = new float[rank * dimensions];
        var scale = 1.0 / Math.Sqrt(dimensions);
        for (var i = 0; i < down.Length; i++)
        {
            down[i] = (float)(NextGaussian(random) * scale);
        }

        return new EmbeddingAdapter(dimensions, rank, down, new float[rank * dimensions], baseModelId);
    }

    /// <summary>Adapts one embedding. Allocation-free; <paramref name="destination"/> may be the same memory as <paramref name="embedding"/>.</summary>
    /// <param name="embedding">The base model's embedding; <see cref="Dimensions"/> floats.</param>
    /// <param name="destination">Receives the adapted, L2-normalised embedding; <see cref="Dimensions"/> floats.</param>
    /// <exception cref="ArgumentException">A span's length is not <see cref="Dimensions"/>.</exception>
    public void Transform(ReadOnlySpan<float> embedding, Span<float> destination)
    {
        if (embedding.Length != Dimensions)
        {
            throw new ArgumentException($"The embedding has {embedding.Length} dimensions but the adapter takes {Dimensions}; use an adapter trained on this embedding model.", nameof(embedding));
        }

        if (destination.Length != Dimensions)
        {
            throw new ArgumentException($"The destination has {destination.Length} floats; it needs exactly {Dimensions}.", nameof(destination));
        }

        float[]? rented = null;
        var projection = Rank <= StackLimit ? stackalloc float[Rank] : (rented = ArrayPool<float>.Shared.Rent(Rank)).AsSpan(0, Rank);
        try
        {
            Apply(embedding, destination, projection);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Saves the adapter atomically (temporary file, flush to disk, rename) in a versioned, checksummed format.</summary>
    /// <param name="path">The file to write; its folder is created when missing.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        IndexFile.WriteAtomically(path, Magic, FormatVersion, WriteBody);
    }

    /// <summary>Loads an adapter saved by <see cref="Save"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The adapter.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IndexFormatException">The file is not an adapter file, is of another format version, or is truncated or corrupt; the message says which.</exception>
    public static EmbeddingAdapter Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var body = IndexFile.OpenBody(path, File.ReadAllBytes(path), Magic, FormatVersion, "fine-tuned embedding adapter");
        try
        {
            using var reader = new BinaryReader(new MemoryStream(body.ToArray(), writable: false), System.Text.Encoding.UTF8);
            var dimensions = reader.ReadInt32();
            var rank = reader.ReadInt32();
            if (dimensions <= 0 || rank <= 0 || rank > dimensions)
            {
                throw new InvalidDataException($"dimensions {dimensions} and rank {rank} are impossible (need 0 < rank ≤ dimensions).");
            }

            var hasBaseModel = reader.ReadBoolean();
            var baseModelId = hasBaseModel ? reader.ReadString() : null;
            var count = (long)rank * dimensions;
            if (reader.BaseStream.Length - reader.BaseStream.Position != 2 * count * sizeof(float))
            {
                throw new InvalidDataException($"the body holds {reader.BaseStream.Length - reader.BaseStream.Position} bytes of parameters, not the {2 * count * sizeof(float)} that {rank} × {dimensions} needs.");
            }

            var down = ReadFloats(reader, (int)count);
            var up = ReadFloats(reader, (int)count);
            return new EmbeddingAdapter(dimensions, rank, down, up, baseModelId);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            throw new IndexFormatException(path, $"its content is inconsistent: {ex.Message}", ex);
        }
    }

    internal void Apply(ReadOnlySpan<float> embedding, Span<float> destination, Span<float> projection) =>
        Forward(_down, _up, Dimensions, Rank, embedding, projection, destination);

    /// <summary>
    /// The adapter's forward pass, shared by <see cref="Apply"/> and training: writes A·x into
    /// <paramref name="projection"/> and normalize(x + Bᵀ·(A·x)) into <paramref name="destination"/>, and returns the
    /// norm of x + Bᵀ·(A·x) before normalisation (training's backward pass needs it).
    /// </summary>
    internal static float Forward(ReadOnlySpan<float> down, ReadOnlySpan<float> up, int dimensions, int rank, ReadOnlySpan<float> x, Span<float> projection, Span<float> destination)
    {
        for (var k = 0; k < rank; k++)
        {
            projection[k] = TensorPrimitives.Dot(down.Slice(k * dimensions, dimensions), x);
        }

        x.CopyTo(destination);
        for (var k = 0; k < rank; k++)
        {
            TensorPrimitives.MultiplyAdd(up.Slice(k * dimensions, dimensions), projection[k], destination, destination);
        }

        var norm = TensorPrimitives.Norm(destination);
        if (norm > 0)
        {
            TensorPrimitives.Divide(destination, norm, destination);
        }

        return norm;
    }

    private void WriteBody(BinaryWriter writer)
    {
        writer.Write(Dimensions);
        writer.Write(Rank);
        writer.Write(BaseModelId is not null);
        if (BaseModelId is not null)
        {
            writer.Write(BaseModelId);
        }

        foreach (var value in _down)
        {
            writer.Write(value);
        }

        foreach (var value in _up)
        {
            writer.Write(value);
        }
    }

    private static float[] ReadFloats(BinaryReader reader, int count)
    {
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = reader.ReadSingle();
            if (!float.IsFinite(values[i]))
            {
                throw new InvalidDataException($"parameter {i} is {values[i]}.");
            }
        }

        return values;
    }

    private string ComputeFingerprint()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(BitConverter.GetBytes(Dimensions));
        hash.AppendData(BitConverter.GetBytes(Rank));
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_down.AsSpan()));
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_up.AsSpan()));
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    internal static double NextGaussian(Random random)
    {
        // Box-Muller; 1 - NextDouble() is in (0, 1], so the logarithm is finite.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
