using System.Buffers.Binary;
using LlmStrategies.FineTuning.EmbeddingAdapters;
using LlmStrategies.Retrieval;

namespace LlmStrategies.Tests.FineTuning.EmbeddingAdapters;

public class EmbeddingAdapterTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("ft-adapter-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static EmbeddingAdapter RandomAdapter(int dimensions, int rank, int seed, string? baseModelId = "base")
    {
        var random = new Random(seed);
        float[] Matrix() => [.. Enumerable.Range(0, dimensions * rank).Select(_ => (float)(random.NextDouble() - 0.5))];
        return new EmbeddingAdapter(dimensions, rank, Matrix(), Matrix(), baseModelId);
    }

    private static float[] RandomVector(int dimensions, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, dimensions).Select(_ => (float)(random.NextDouble() - 0.5))];
    }

    /// <summary>normalize(x + Bᵀ(A·x)) in double precision, straight from the definition.</summary>
    private static double[] Reference(EmbeddingAdapter adapter, float[] x)
    {
        var (d, r) = (adapter.Dimensions, adapter.Rank);
        var down = adapter.Down.ToArray();
        var up = adapter.Up.ToArray();
        var h = new double[r];
        for (var k = 0; k < r; k++)
        {
            for (var i = 0; i < d; i++)
            {
                h[k] += (double)down[(k * d) + i] * x[i];
            }
        }

        var y = new double[d];
        for (var i = 0; i < d; i++)
        {
            y[i] = x[i];
            for (var k = 0; k < r; k++)
            {
                y[i] += h[k] * up[(k * d) + i];
            }
        }

        var norm = Math.Sqrt(y.Sum(v => v * v));
        return [.. y.Select(v => v / norm)];
    }

    [TestCase(37, 5)]
    [TestCase(512, 16)]
    [TestCase(1100, 1100)]
    public void Transform_MatchesTheDefinition(int dimensions, int rank)
    {
        var adapter = RandomAdapter(dimensions, rank, seed: dimensions);
        var x = RandomVector(dimensions, seed: 1);
        var actual = new float[dimensions];

        adapter.Transform(x, actual);

        // Float accumulation over up to 1,100 terms against a double reference: 1e-5 on unit-length outputs.
        Assert.That(actual, Is.EqualTo(Reference(adapter, x)).Within(1e-5));
    }

    [Test]
    public void Transform_CanWorkInPlace()
    {
        var adapter = RandomAdapter(64, 8, seed: 3);
        var x = RandomVector(64, seed: 2);
        var expected = new float[64];
        adapter.Transform(x, expected);

        adapter.Transform(x, x);

        Assert.That(x, Is.EqualTo(expected));
    }

    [Test]
    public void InitialAdapter_IsTheIdentityOnUnitVectors()
    {
        var adapter = EmbeddingAdapter.CreateInitial(48, 8, "m", new Random(1));
        var x = RandomVector(48, seed: 5);
        var norm = (float)Math.Sqrt(x.Sum(v => v * v));
        var unit = x.Select(v => v / norm).ToArray();
        var actual = new float[48];

        adapter.Transform(unit, actual);

        Assert.That(actual, Is.EqualTo(unit).Within(1e-6));
    }

    [Test]
    public void Transform_RejectsSpansOfTheWrongLength()
    {
        var adapter = RandomAdapter(8, 2, seed: 1);

        Assert.Multiple(() =>
        {
            Assert.That(() => adapter.Transform(new float[7], new float[8]), Throws.ArgumentException.With.Message.Contains("7 dimensions but the adapter takes 8"));
            Assert.That(() => adapter.Transform(new float[8], new float[9]), Throws.ArgumentException.With.Message.Contains("needs exactly 8"));
        });
    }

    [TestCase("universal-sentence-encoder-lite")]
    [TestCase(null)]
    public void SaveAndLoad_RoundTrip(string? baseModelId)
    {
        var adapter = RandomAdapter(40, 6, seed: 8, baseModelId);
        var path = Path.Combine(_folder, "nested", "adapter.bin");

        adapter.Save(path);
        var loaded = EmbeddingAdapter.Load(path);

        var x = RandomVector(40, seed: 4);
        var (a, b) = (new float[40], new float[40]);
        adapter.Transform(x, a);
        loaded.Transform(x, b);
        Assert.Multiple(() =>
        {
            Assert.That(loaded.Dimensions, Is.EqualTo(40));
            Assert.That(loaded.Rank, Is.EqualTo(6));
            Assert.That(loaded.BaseModelId, Is.EqualTo(baseModelId));
            Assert.That(loaded.Fingerprint, Is.EqualTo(adapter.Fingerprint));
            Assert.That(b, Is.EqualTo(a));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Has.Length.EqualTo(1), "no temporary file is left behind");
        });
    }

    [Test]
    public void Fingerprint_TellsParametersApart()
    {
        Assert.Multiple(() =>
        {
            var first = RandomAdapter(16, 2, seed: 1);
            Assert.That(RandomAdapter(16, 2, seed: 1).Fingerprint, Is.EqualTo(first.Fingerprint));
            Assert.That(RandomAdapter(16, 2, seed: 2).Fingerprint, Is.Not.EqualTo(first.Fingerprint));
            Assert.That(first.Fingerprint, Has.Length.EqualTo(16));
        });
    }

    [Test]
    public void Load_CorruptFile_FailsWithTheChecksum()
    {
        var path = Path.Combine(_folder, "adapter.bin");
        RandomAdapter(16, 2, seed: 1).Save(path);
        var bytes = File.ReadAllBytes(path);
        bytes[40] ^= 0x10;
        File.WriteAllBytes(path, bytes);

        Assert.That(() => EmbeddingAdapter.Load(path), Throws.TypeOf<IndexFormatException>().With.Message.Contains("checksum").And.Message.Contains(path));
    }

    [Test]
    public void Load_ForeignFile_FailsAsNotAnAdapter()
    {
        var path = Path.Combine(_folder, "train.jsonl");
        File.WriteAllText(path, "{\"messages\":[]}\n{\"messages\":[]}\n");

        Assert.That(() => EmbeddingAdapter.Load(path), Throws.TypeOf<IndexFormatException>().With.Message.Contains("not a fine-tuned embedding adapter file"));
    }

    [Test]
    public void Load_TruncatedFile_Fails()
    {
        var path = Path.Combine(_folder, "adapter.bin");
        RandomAdapter(16, 2, seed: 1).Save(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        Assert.That(() => EmbeddingAdapter.Load(path), Throws.TypeOf<IndexFormatException>());
    }

    [Test]
    public void Load_OtherFormatVersion_FailsNamingIt()
    {
        var path = Path.Combine(_folder, "adapter.bin");
        RandomAdapter(16, 2, seed: 1).Save(path);
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 2);
        File.WriteAllBytes(path, bytes);

        Assert.That(() => EmbeddingAdapter.Load(path), Throws.TypeOf<IndexFormatException>().With.Message.Contains("format version 2"));
    }

    [Test]
    public void Load_MissingFile_ThrowsFileNotFound() =>
        Assert.That(() => EmbeddingAdapter.Load(Path.Combine(_folder, "missing.bin")), Throws.TypeOf<FileNotFoundException>());
}
