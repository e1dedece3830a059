using System.Buffers.Binary;
using System.Text.Json;

namespace LlmStrategies.Embeddings.Local.Model;

/// <summary>
/// The named constant tensors of a TF.js graph model: reads the weightsManifest of model.json and slices
/// the concatenated shards in manifest order (float32 and int32, little-endian, no quantisation).
/// </summary>
internal sealed class GraphWeights
{
    private readonly Dictionary<string, (int[] Shape, string DataType, int ByteOffset)> _specs = new(StringComparer.Ordinal);
    private readonly byte[] _data;
    private readonly string _graphPath;

    public GraphWeights(ReadOnlySpan<byte> modelJson, Func<string, byte[]> readShard, string graphPath)
    {
        _graphPath = graphPath;
        try
        {
            using var document = JsonDocument.Parse(modelJson.ToArray());
            var shards = new List<byte[]>();
            var offset = 0;
            foreach (var group in document.RootElement.GetProperty("weightsManifest").EnumerateArray())
            {
                var groupStart = offset;
                foreach (var weight in group.GetProperty("weights").EnumerateArray())
                {
                    var name = weight.GetProperty("name").GetString()!;
                    var dataType = weight.GetProperty("dtype").GetString()!;
                    if (weight.TryGetProperty("quantization", out _) || (dataType != "float32" && dataType != "int32"))
                    {
                        throw Invalid($"weight '{name}' has dtype {dataType} or is quantised; only plain float32/int32 is supported");
                    }

                    var shape = weight.GetProperty("shape").EnumerateArray().Select(dimension => dimension.GetInt32()).ToArray();
                    _specs[name] = (shape, dataType, offset);
                    offset += shape.Aggregate(1, (product, dimension) => product * dimension) * 4;
                }

                var groupBytes = 0;
                foreach (var path in group.GetProperty("paths").EnumerateArray())
                {
                    var shard = readShard(path.GetString()!);
                    shards.Add(shard);
                    groupBytes += shard.Length;
                }

                if (groupBytes != offset - groupStart)
                {
                    throw Invalid($"a weight group declares {offset - groupStart} bytes but its shards hold {groupBytes}");
                }
            }

            _data = new byte[offset];
            var position = 0;
            foreach (var shard in shards)
            {
                shard.CopyTo(_data, position);
                position += shard.Length;
            }
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw Invalid($"its weightsManifest cannot be read ({exception.Message})");
        }
    }

    /// <summary>A float32 tensor's values, checking its shape.</summary>
    public float[] Floats(string name, params int[] shape)
    {
        var (offset, count) = Locate(name, "float32", shape);
        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(_data.AsSpan(offset + (i * 4)));
        }

        return values;
    }

    /// <summary>A scalar float32 constant.</summary>
    public float Scalar(string name) => Floats(name)[0];

    /// <summary>A scalar int32 constant.</summary>
    public int ScalarInt(string name)
    {
        var (offset, _) = Locate(name, "int32", []);
        return BinaryPrimitives.ReadInt32LittleEndian(_data.AsSpan(offset));
    }

    private (int Offset, int Count) Locate(string name, string dataType, int[] shape)
    {
        if (!_specs.TryGetValue(name, out var spec))
        {
            throw Invalid($"it has no weight named '{name}'");
        }

        if (spec.DataType != dataType || !spec.Shape.SequenceEqual(shape))
        {
            throw Invalid($"weight '{name}' is {spec.DataType}[{string.Join(',', spec.Shape)}], expected {dataType}[{string.Join(',', shape)}]");
        }

        return (spec.ByteOffset, shape.Aggregate(1, (product, dimension) => product * dimension));
    }

    private InvalidDataException Invalid(string detail) =>
        new($"The model graph '{_graphPath}' is not the Universal Sentence Encoder Lite graph this port implements: {detail}.");
}
