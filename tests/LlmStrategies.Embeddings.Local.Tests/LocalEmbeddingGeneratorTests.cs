using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace LlmStrategies.Embeddings.Local.Tests;

public sealed class LocalEmbeddingGeneratorTests
{
    private static readonly string[][] s_paraphrases =
    [
        ["How old are you?", "What is your age?"],
        ["The cat sits on the mat.", "A cat is sitting on a mat."],
        ["I forgot my password and cannot log in.", "Please help me reset my password, I am locked out of my account."],
        ["The stock market fell sharply today.", "Share prices dropped steeply on the exchange this afternoon."],
        ["It is raining heavily outside.", "There is a lot of rain falling out there right now."],
        ["Where is the nearest train station?", "How do I get to the closest railway station?"],
    ];

    [Test]
    public void Fixture_HasTheExpectedNumberOfReferenceVectors()
    {
        Assert.That(ReferenceFixture.Sentences, Has.Count.EqualTo(ReferenceFixture.ExpectedSentenceCount));
        Assert.That(ReferenceFixture.Sentences.Select(sentence => sentence.Embedding.Length), Is.All.EqualTo(512));
        Assert.That(ReferenceFixture.Sentences.Any(sentence => sentence.Text.Contains('\uD800', StringComparison.Ordinal)), Is.True, "the unpaired surrogate survives the fixture reader");
        Assert.That(ReferenceFixture.Sentences.Any(sentence => sentence.Text.Contains('\uFFFE', StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task GenerateAsync_MatchesTheOriginalTfJsModel()
    {
        using var generator = TestModel.CreateGenerator();

        var embeddings = await generator.GenerateAsync(ReferenceFixture.Sentences.Select(sentence => sentence.Text));

        AssertMatchesReference(embeddings.Select(embedding => embedding.Vector.ToArray()).ToList(), ReferenceFixture.Sentences);
    }

    [Test]
    public async Task GenerateAsync_ParaphrasesScoreClearlyHigherThanUnrelatedSentences()
    {
        using var generator = TestModel.CreateGenerator();
        var texts = s_paraphrases.SelectMany(pair => pair).ToArray();
        var vectors = (await generator.GenerateAsync(texts)).Select(embedding => embedding.Vector.ToArray()).ToArray();

        var weakestParaphrase = double.MaxValue;
        var strongestUnrelated = double.MinValue;
        for (var i = 0; i < texts.Length; i++)
        {
            for (var j = i + 1; j < texts.Length; j++)
            {
                var similarity = TensorPrimitives.Dot(vectors[i], vectors[j]);
                if (i / 2 == j / 2)
                {
                    weakestParaphrase = Math.Min(weakestParaphrase, similarity);
                }
                else
                {
                    strongestUnrelated = Math.Max(strongestUnrelated, similarity);
                }
            }
        }

        TestContext.Out.WriteLine($"weakest paraphrase {weakestParaphrase:F3}, strongest unrelated {strongestUnrelated:F3}");
        Assert.That(weakestParaphrase - strongestUnrelated, Is.GreaterThanOrEqualTo(0.2), "every paraphrase pair must beat every unrelated pair by a clear margin");
    }

    [Test]
    public async Task GenerateAsync_ReportsUsageMetadataAndUnitVectors()
    {
        using var generator = TestModel.CreateGenerator();
        var sentences = ReferenceFixture.Sentences.Take(10).ToList();

        var embeddings = await generator.GenerateAsync(sentences.Select(sentence => sentence.Text));

        var expectedTokens = sentences.Sum(sentence => Math.Min(sentence.Tokens.Length, 128));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(embeddings.Usage?.InputTokenCount, Is.EqualTo(expectedTokens));
            Assert.That(embeddings.Usage?.TotalTokenCount, Is.EqualTo(expectedTokens));
            Assert.That(embeddings.AdditionalProperties?[LocalEmbeddingGenerator.TokenizerIdPropertyName], Is.EqualTo("use-lite-sentencepiece/nfkc/unicode-15.0.0/llmstrategies-1"));
            Assert.That(embeddings.Select(embedding => embedding.ModelId), Is.All.EqualTo(LocalEmbeddingGenerator.ModelId));
            Assert.That(embeddings.Select(embedding => embedding.Dimensions), Is.All.EqualTo(512));
            Assert.That(embeddings.Select(embedding => TensorPrimitives.Norm(embedding.Vector.Span)), Is.All.EqualTo(1f).Within(1e-5f));
        }
    }

    [Test]
    public void GetService_ReturnsMetadataAndItself()
    {
        using var generator = TestModel.CreateGenerator();

        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(metadata?.ProviderName, Is.EqualTo("LlmStrategies.Embeddings.Local"));
            Assert.That(metadata?.DefaultModelId, Is.EqualTo(LocalEmbeddingGenerator.ModelId));
            Assert.That(metadata?.DefaultModelDimensions, Is.EqualTo(512));
            Assert.That(generator.GetService<LocalEmbeddingGenerator>(), Is.SameAs(generator));
            Assert.That(generator.GetService(typeof(string)), Is.Null);
            Assert.That(generator.GetService(typeof(EmbeddingGeneratorMetadata), "some key"), Is.Null);
        }
    }

    [Test]
    public async Task GenerateAsync_EmptyInput_ReturnsNoEmbeddings()
    {
        using var generator = TestModel.CreateGenerator();

        var embeddings = await generator.GenerateAsync([]);

        Assert.That(embeddings, Is.Empty);
        Assert.That(embeddings.Usage?.InputTokenCount, Is.Zero);
    }

    [Test]
    public void GenerateAsync_RejectsNullValuesAndForeignOptions()
    {
        using var generator = TestModel.CreateGenerator();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => generator.GenerateAsync(["a", null!]), Throws.ArgumentException.With.Message.Contains("Input 1 is null"));
            Assert.That(() => generator.GenerateAsync(["a"], new EmbeddingGenerationOptions { Dimensions = 256 }), Throws.ArgumentException.With.Message.Contains("Dimensions is 256"));
            Assert.That(() => generator.GenerateAsync(["a"], new EmbeddingGenerationOptions { ModelId = "text-embedding-3-small" }), Throws.ArgumentException.With.Message.Contains("ModelId is 'text-embedding-3-small'"));
        }
    }

    [Test]
    public async Task GenerateAsync_AcceptsOptionsThatMatchTheModel()
    {
        using var generator = TestModel.CreateGenerator();

        var embeddings = await generator.GenerateAsync(["hello"], new EmbeddingGenerationOptions { Dimensions = 512, ModelId = LocalEmbeddingGenerator.ModelId });

        Assert.That(embeddings, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task GenerateAsync_TruncatesTextToTheFirst128Tokens()
    {
        using var generator = TestModel.CreateGenerator();
        var longText = string.Join(' ', Enumerable.Repeat("alpha river quickly mountain", 60));

        var embeddings = await generator.GenerateAsync([longText, longText + " and a different ending entirely"]);

        Assert.That(embeddings[1].Vector.ToArray(), Is.EqualTo(embeddings[0].Vector.ToArray()));
        Assert.That(embeddings.Usage?.InputTokenCount, Is.EqualTo(256));
    }

    [Test]
    public async Task GenerateAsync_ResultDoesNotDependOnTheBatch()
    {
        using var generator = TestModel.CreateGenerator();
        var texts = ReferenceFixture.Sentences.Take(12).Select(sentence => sentence.Text).ToArray();
        var batched = await generator.GenerateAsync(texts);

        for (var i = 0; i < texts.Length; i++)
        {
            var alone = await generator.GenerateAsync([texts[i]]);
            Assert.That(alone[0].Vector.ToArray(), Is.EqualTo(batched[i].Vector.ToArray()).Within(1e-6f), $"sentence {i}");
        }
    }

    [Test]
    public async Task GenerateAsync_ConcurrentCallsGiveTheSameVectorsAsSequentialOnes()
    {
        using var generator = TestModel.CreateGenerator();
        var texts = ReferenceFixture.Sentences.Skip(1).Take(8).Select(sentence => sentence.Text).ToArray();
        var expected = (await generator.GenerateAsync(texts)).Select(embedding => embedding.Vector.ToArray()).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => generator.GenerateAsync(texts))));

        foreach (var result in results)
        {
            Assert.That(result.Select(embedding => embedding.Vector.ToArray()), Is.EqualTo(expected));
        }
    }

    [Test]
    public void EmbedInto_WithTwoThreads_MatchesOneThread()
    {
        using var single = TestModel.CreateGenerator(maxDegreeOfParallelism: 1);
        using var parallel = TestModel.CreateGenerator(maxDegreeOfParallelism: 2);
        var texts = ReferenceFixture.Sentences.Take(48).Select(sentence => sentence.Text).ToArray();
        var expected = new float[texts.Length * 512];
        var actual = new float[texts.Length * 512];

        var expectedTokens = single.EmbedInto(texts, expected);
        var actualTokens = parallel.EmbedInto(texts, actual);

        Assert.That(actualTokens, Is.EqualTo(expectedTokens));
        Assert.That(actual, Is.EqualTo(expected));
    }

    [Test]
    public void EmbedInto_WhenWarm_AllocatesNothing()
    {
        using var generator = TestModel.CreateGenerator();
        string[] texts = ["The cat sits on the mat.", "Stock markets fell sharply after the central bank raised interest rates.", "", "hello"];
        var destination = new float[texts.Length * 512];
        generator.EmbedInto(texts, destination);

        var before = GC.GetAllocatedBytesForCurrentThread();
        generator.EmbedInto(texts, destination);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void EmbedInto_RejectsAShortDestinationAndNullTexts()
    {
        using var generator = TestModel.CreateGenerator();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => generator.EmbedInto(["a", "b"], new float[1000]), Throws.ArgumentException.With.Message.Contains("2 texts need 1024"));
            Assert.That(() => generator.EmbedInto(["a", null!], new float[1024]), Throws.ArgumentException.With.Message.Contains("Text 1 is null"));
        }
    }

    [Test]
    public void EmbedInto_HonoursCancellation()
    {
        using var generator = TestModel.CreateGenerator();
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.That(() => generator.EmbedInto(["a"], new float[512], cancellation.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void Dispose_MakesLaterCallsThrow()
    {
        var generator = TestModel.CreateGenerator();
        generator.Dispose();

        Assert.That(() => generator.EmbedInto(["a"], new float[512]), Throws.InstanceOf<ObjectDisposedException>());
    }

    [Test]
    public void Constructor_ValidatesOptions()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => new LocalEmbeddingGenerator(null!), Throws.ArgumentNullException);
            Assert.That(
                () => new LocalEmbeddingGenerator(new LocalEmbeddingOptions { ModelDirectory = TestModel.Directory, MaxDegreeOfParallelism = 0 }),
                Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("MaxDegreeOfParallelism"));
        }
    }

    [Test]
    public async Task Constructor_LoadsTheModelFromTheConfiguredDirectory()
    {
        using var generator = new LocalEmbeddingGenerator(new LocalEmbeddingOptions { ModelDirectory = TestModel.Directory });

        var embeddings = await generator.GenerateAsync(["Hello world."]);

        var reference = ReferenceFixture.Sentences.Single(sentence => sentence.Text == "Hello world.");
        Assert.That(TensorPrimitives.CosineSimilarity(embeddings[0].Vector.Span, reference.Embedding), Is.GreaterThanOrEqualTo(0.99999f));
    }

    [Test]
    public async Task UseDistributedCache_ServesRepeatedTextsFromTheCache()
    {
        var storage = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        using var counting = new CountingEmbeddingGenerator(TestModel.CreateGenerator());
        using var cached = counting.AsBuilder().UseDistributedCache(storage).Build();

        var first = await cached.GenerateAsync(["The cat sits on the mat.", "How old are you?"]);
        var second = await cached.GenerateAsync(["How old are you?", "The cat sits on the mat."]);

        Assert.That(counting.EmbeddedTexts, Is.EqualTo(2), "the second call must be answered from the cache");
        Assert.That(second[0].Vector.ToArray(), Is.EqualTo(first[1].Vector.ToArray()));
        Assert.That(second[1].Vector.ToArray(), Is.EqualTo(first[0].Vector.ToArray()));
    }

    internal static void AssertMatchesReference(IReadOnlyList<float[]> actual, IReadOnlyList<ReferenceSentence> sentences)
    {
        Assert.That(actual, Has.Count.EqualTo(sentences.Count));
        var worstCosine = 1.0;
        var worstDifference = 0f;
        using (Assert.EnterMultipleScope())
        {
            for (var i = 0; i < sentences.Count; i++)
            {
                var expected = sentences[i].Embedding;
                var cosine = TensorPrimitives.CosineSimilarity(expected, actual[i]);
                var difference = TensorPrimitives.MaxMagnitude(Difference(expected, actual[i]));
                worstCosine = Math.Min(worstCosine, cosine);
                worstDifference = Math.Max(worstDifference, Math.Abs(difference));
                Assert.That(cosine, Is.GreaterThanOrEqualTo(0.99999), $"cosine for sentence {i} '{sentences[i].Text}'");
                Assert.That(Math.Abs(difference), Is.LessThanOrEqualTo(1e-4f), $"max |difference| for sentence {i} '{sentences[i].Text}'");
            }
        }

        TestContext.Out.WriteLine($"{sentences.Count} sentences: worst cosine {worstCosine:R}, worst max |difference| {worstDifference:R}");
    }

    private static float[] Difference(float[] expected, float[] actual)
    {
        var difference = new float[expected.Length];
        TensorPrimitives.Subtract(expected, actual, difference);
        return difference;
    }

    /// <summary>Counts the texts that reach the real generator (i.e. were not served by the cache).</summary>
    private sealed class CountingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner)
        : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
    {
        public int EmbeddedTexts { get; private set; }

        public override Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var texts = values.ToList();
            EmbeddedTexts += texts.Count;
            return base.GenerateAsync(texts, options, cancellationToken);
        }
    }
}
