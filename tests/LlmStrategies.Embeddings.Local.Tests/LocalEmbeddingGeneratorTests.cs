using System.Numerics.Tensors;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Embeddings.Local.Tests;

public sealed class LocalEmbeddingGeneratorTests
{
    [Test]
    public void Fixture_HasTheExpectedNumberOfReferenceVectors()
    {
        Assert.That(ReferenceFixture.Sentences, Has.Count.EqualTo(ReferenceFixture.ExpectedSentenceCount));
        Assert.That(ReferenceFixture.Sentences.Select(sentence => sentence.Embedding.Length), Is.All.EqualTo(512));
    }

    [Test]
    public async Task GenerateAsync_MatchesTheOriginalTfJsModel()
    {
        using var generator = TestModel.CreateGenerator();
        var sentences = ReferenceFixture.Sentences;

        var embeddings = await generator.GenerateAsync(sentences.Select(sentence => sentence.Text));

        AssertMatchesReference(embeddings.Select(embedding => embedding.Vector.ToArray()).ToList());
    }

    internal static void AssertMatchesReference(IReadOnlyList<float[]> actual)
    {
        var sentences = ReferenceFixture.Sentences;
        Assert.That(actual, Has.Count.EqualTo(sentences.Count));
        var worstCosine = 1.0;
        var worstDifference = 0f;
        using (Assert.EnterMultipleScope())
        {
            for (var i = 0; i < sentences.Count; i++)
            {
                var expected = sentences[i].Embedding;
                var cosine = TensorPrimitives.CosineSimilarity(expected, actual[i]);
                var difference = 0f;
                for (var d = 0; d < expected.Length; d++)
                {
                    difference = Math.Max(difference, Math.Abs(expected[d] - actual[i][d]));
                }

                worstCosine = Math.Min(worstCosine, cosine);
                worstDifference = Math.Max(worstDifference, difference);
                Assert.That(cosine, Is.GreaterThanOrEqualTo(0.99999), $"cosine for sentence {i} '{sentences[i].Text}'");
                Assert.That(difference, Is.LessThanOrEqualTo(1e-4f), $"max |difference| for sentence {i} '{sentences[i].Text}'");
            }
        }

        TestContext.Out.WriteLine($"{sentences.Count} sentences: worst cosine {worstCosine:R}, worst max |difference| {worstDifference:R}");
    }
}
