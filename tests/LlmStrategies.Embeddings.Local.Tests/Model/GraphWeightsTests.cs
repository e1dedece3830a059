using System.Text;
using LlmStrategies.Embeddings.Local.Model;

namespace LlmStrategies.Embeddings.Local.Tests.Model;

public sealed class GraphWeightsTests
{
    private const string Manifest = """
        {"weightsManifest": [{"paths": ["shard"], "weights": [
          {"name": "w", "shape": [2, 2], "dtype": "float32"},
          {"name": "n", "shape": [], "dtype": "int32"}]}]}
        """;

    [Test]
    public void Floats_ReadsTensorsInManifestOrder()
    {
        var shard = new byte[20];
        BitConverter.GetBytes(1.5f).CopyTo(shard, 0);
        BitConverter.GetBytes(-2f).CopyTo(shard, 12);
        BitConverter.GetBytes(128).CopyTo(shard, 16);

        var weights = new GraphWeights(Encoding.UTF8.GetBytes(Manifest), _ => shard, "model.json");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(weights.Floats("w", 2, 2), Is.EqualTo(new[] { 1.5f, 0f, 0f, -2f }));
            Assert.That(weights.ScalarInt("n"), Is.EqualTo(128));
        }
    }

    [Test]
    public void Floats_RejectsAWrongShapeOrAMissingName()
    {
        var weights = new GraphWeights(Encoding.UTF8.GetBytes(Manifest), _ => new byte[20], "/m/model.json");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => { weights.Floats("w", 4); }, Throws.InstanceOf<InvalidDataException>().With.Message.Contains("float32[2,2], expected float32[4]"));
            Assert.That(() => { weights.Floats("missing", 1); }, Throws.InstanceOf<InvalidDataException>().With.Message.Contains("/m/model.json").And.Message.Contains("'missing'"));
        }
    }

    [Test]
    public void Constructor_RejectsShardsOfTheWrongSize()
    {
        Assert.That(
            () => new GraphWeights(Encoding.UTF8.GetBytes(Manifest), _ => new byte[19], "model.json"),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("declares 20 bytes but its shards hold 19"));
    }
}
