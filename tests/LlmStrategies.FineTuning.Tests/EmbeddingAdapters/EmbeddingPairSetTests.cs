using LlmStrategies.FineTuning.EmbeddingAdapters;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Tests.FineTuning.EmbeddingAdapters;

public class EmbeddingPairSetTests
{
    [Test]
    public async Task CreateAsync_EmbedsEachDistinctText_AndLinksQueriesToTheirPassage()
    {
        var generator = new TableEmbeddingGenerator("m");
        RelevancePair[] pairs =
        [
            new("q1", "passage A"),
            new("q2", "passage A"),
            new("q3", "passage B", PassageId: "b"),
            new("q4", "passage B (edited copy)", PassageId: "b"),
        ];

        var set = await EmbeddingPairSet.CreateAsync(generator, pairs);

        Assert.Multiple(() =>
        {
            Assert.That(set.QueryCount, Is.EqualTo(4));
            Assert.That(set.PassageCount, Is.EqualTo(2), "passages are identified by id, or by text without one");
            Assert.That(Enumerable.Range(0, 4).Select(set.PositiveOf), Is.EqualTo(new[] { 0, 0, 1, 1 }));
            Assert.That(set.Passage(1).ToArray(), Is.EqualTo(generator.Vector("passage B")));
            Assert.That(set.Query(3).ToArray(), Is.EqualTo(generator.Vector("q4")));
            Assert.That(set.ModelId, Is.EqualTo("m"));
            Assert.That(set.Dimensions, Is.EqualTo(TableEmbeddingGenerator.Dimensions));
            Assert.That(generator.Embedded, Is.EquivalentTo(new[] { "q1", "q2", "q3", "q4", "passage A", "passage B" }));
        });
    }

    [Test]
    public void CreateAsync_RejectsEmptyInput()
    {
        var generator = new TableEmbeddingGenerator("m");

        Assert.Multiple(() =>
        {
            Assert.That(() => EmbeddingPairSet.CreateAsync(generator, []), Throws.ArgumentException.With.Message.Contains("at least one"));
            Assert.That(() => EmbeddingPairSet.CreateAsync(generator, [new("q", "p"), new(" ", "p")]), Throws.ArgumentException.With.Message.Contains("Pair 1"));
        });
    }

    [Test]
    public void Constructor_ChecksShapes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new EmbeddingPairSet(3, new float[5], new float[3], [0]), Throws.ArgumentException.With.Message.Contains("whole rows of 3"));
            Assert.That(() => new EmbeddingPairSet(3, new float[6], new float[3], [0]), Throws.ArgumentException.With.Message.Contains("2 queries but 1 positives"));
            Assert.That(() => new EmbeddingPairSet(3, new float[3], new float[3], [1]), Throws.ArgumentException.With.Message.Contains("passage 1, but there are 1 passages"));
        });
    }

    /// <summary>Deterministic pseudo-embeddings from each text's hash; records what it embedded.</summary>
    private sealed class TableEmbeddingGenerator(string modelId) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public const int Dimensions = 8;

        public List<string> Embedded { get; } = [];

        public float[] Vector(string text)
        {
            var random = new Random(text.Length * 31 + text[^1]);
            return [.. Enumerable.Range(0, Dimensions).Select(_ => (float)random.NextDouble())];
        }

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var texts = values.ToList();
            Embedded.AddRange(texts);
            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(texts.Select(t => new Embedding<float>(Vector(t)) { ModelId = modelId })));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
