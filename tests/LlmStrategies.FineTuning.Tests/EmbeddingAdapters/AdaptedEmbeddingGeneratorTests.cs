using LlmStrategies.FineTuning.EmbeddingAdapters;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Tests.FineTuning.EmbeddingAdapters;

public class AdaptedEmbeddingGeneratorTests
{
    private static EmbeddingAdapter Adapter(string? baseModelId = "base-model", int dimensions = 4)
    {
        var random = new Random(1);
        float[] Matrix() => [.. Enumerable.Range(0, dimensions * 2).Select(_ => (float)(random.NextDouble() - 0.5))];
        return new EmbeddingAdapter(dimensions, 2, Matrix(), Matrix(), baseModelId);
    }

    [Test]
    public async Task GenerateAsync_AdaptsEveryEmbedding_AndMarksTheModelId()
    {
        var adapter = Adapter();
        using var inner = new FixedEmbeddingGenerator("base-model", [1, 2, 3, 4], [0, 1, 0, 0]);
        using var generator = new AdaptedEmbeddingGenerator(inner, adapter);

        var result = await generator.GenerateAsync(["a", "b"]);

        var expected = new float[4];
        adapter.Transform(new float[] { 1, 2, 3, 4 }, expected);
        Assert.Multiple(() =>
        {
            Assert.That(result, Has.Count.EqualTo(2));
            Assert.That(result[0].Vector.ToArray(), Is.EqualTo(expected));
            Assert.That(result[0].ModelId, Is.EqualTo($"base-model+adapter:{adapter.Fingerprint}"));
            Assert.That(result[0].CreatedAt, Is.EqualTo(FixedEmbeddingGenerator.Created));
            Assert.That(result.Usage?.InputTokenCount, Is.EqualTo(7));
            Assert.That(Math.Sqrt(result[1].Vector.ToArray().Sum(v => v * v)), Is.EqualTo(1).Within(1e-6));
        });
    }

    [Test]
    public void Metadata_NamesTheAdaptedModel_AndTheAdapterIsAService()
    {
        var adapter = Adapter();
        using var inner = new FixedEmbeddingGenerator("base-model", [1, 2, 3, 4]);
        using var generator = new AdaptedEmbeddingGenerator(inner, adapter);

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>()!;

        Assert.Multiple(() =>
        {
            Assert.That(metadata.ProviderName, Is.EqualTo("fixed"));
            Assert.That(metadata.DefaultModelId, Is.EqualTo($"base-model+adapter:{adapter.Fingerprint}"));
            Assert.That(metadata.DefaultModelDimensions, Is.EqualTo(4));
            Assert.That(generator.GetService<EmbeddingAdapter>(), Is.SameAs(adapter));
            Assert.That(generator.GetService<FixedEmbeddingGenerator>(), Is.SameAs(inner));
        });
    }

    [Test]
    public void AnotherModelsEmbeddings_AreRefused()
    {
        using var inner = new FixedEmbeddingGenerator("other-model", [1, 2, 3, 4]);
        using var generator = new AdaptedEmbeddingGenerator(inner, Adapter("base-model"));

        Assert.That(() => generator.GenerateAsync(["a"]), Throws.InvalidOperationException.With.Message.Contains("'base-model'").And.Message.Contains("'other-model'"));
    }

    [Test]
    public void EmbeddingsOfAnotherLength_AreRefused()
    {
        using var inner = new FixedEmbeddingGenerator("base-model", [1, 2, 3]);
        using var generator = new AdaptedEmbeddingGenerator(inner, Adapter());

        Assert.That(() => generator.GenerateAsync(["a"]), Throws.InvalidOperationException.With.Message.Contains("3-dimensional embedding, but the adapter takes 4"));
    }

    [Test]
    public async Task AnAdapterWithoutBaseModel_AcceptsAnyModel()
    {
        var adapter = Adapter(baseModelId: null);
        using var inner = new FixedEmbeddingGenerator(null, [1, 2, 3, 4]);
        using var generator = new AdaptedEmbeddingGenerator(inner, adapter);

        var result = await generator.GenerateAsync(["a"]);

        Assert.That(result[0].ModelId, Is.EqualTo($"adapter:{adapter.Fingerprint}"));
    }

    [Test]
    public async Task UseEmbeddingAdapter_AddsTheDecoratorToABuilder()
    {
        var adapter = Adapter();
        using var inner = new FixedEmbeddingGenerator("base-model", [1, 2, 3, 4]);

        using var generator = inner.AsBuilder().UseEmbeddingAdapter(adapter).Build();
        var result = await generator.GenerateAsync(["a"]);

        Assert.Multiple(() =>
        {
            Assert.That(generator, Is.TypeOf<AdaptedEmbeddingGenerator>());
            Assert.That(result[0].ModelId, Does.EndWith(adapter.Fingerprint));
            Assert.That(() => inner.AsBuilder().UseEmbeddingAdapter(null!), Throws.ArgumentNullException);
        });
    }

    [Test]
    public async Task TrainedOnTexts_ImprovesRetrievalThroughTheDecorator()
    {
        // The synthetic problem behind texts: "p{i}" are passages and "q{i}-{j}" their queries.
        var data = SyntheticRetrieval.Create(passages: 120, queriesPerPassage: 2, seed: 1);
        var held = SyntheticRetrieval.Create(passages: 60, queriesPerPassage: 1, seed: 2);
        using var inner = new SyntheticTextGenerator(data, held, modelId: null);
        var train = Enumerable.Range(0, data.QueryCount).Select(q => new RelevancePair($"q{q}", $"p{data.Positives[q]}")).ToList();
        var options = new EmbeddingAdapterTrainingOptions { Rank = 16, LearningRate = 1e-2, WeightDecay = 0, BatchSize = 32, MaxEpochs = 20, Seed = 3 };

        var result = new EmbeddingAdapterTrainer(options).Train(await EmbeddingPairSet.CreateAsync(inner, train));
        using var adapted = inner.AsBuilder().UseEmbeddingAdapter(result.Adapter).Build();

        async Task<double> HeldOutMrr(IEmbeddingGenerator<string, Embedding<float>> generator)
        {
            var passages = await generator.GenerateAsync(Enumerable.Range(0, held.PassageCount).Select(p => $"held-p{p}"));
            var queries = await generator.GenerateAsync(Enumerable.Range(0, held.QueryCount).Select(q => $"held-q{q}"));
            var total = 0.0;
            for (var q = 0; q < held.QueryCount; q++)
            {
                var scores = passages.Select(p => System.Numerics.Tensors.TensorPrimitives.Dot(queries[q].Vector.Span, p.Vector.Span)).ToArray();
                total += 1.0 / (1 + scores.Where((s, i) => i != held.Positives[q] && s > scores[held.Positives[q]]).Count());
            }

            return total / held.QueryCount;
        }

        Assert.That(await HeldOutMrr(adapted), Is.GreaterThan(await HeldOutMrr(inner) + 0.3));
    }

    private sealed class FixedEmbeddingGenerator(string? modelId, params float[][] vectors) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public static readonly DateTimeOffset Created = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select((_, i) => new Embedding<float>(vectors[i % vectors.Length]) { ModelId = modelId, CreatedAt = Created }))
            {
                Usage = new UsageDetails { InputTokenCount = 7 },
            });

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("fixed", null, modelId, vectors[0].Length)
            : serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose()
        {
        }
    }
}
