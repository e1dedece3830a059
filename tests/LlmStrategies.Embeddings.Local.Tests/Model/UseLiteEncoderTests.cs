using LlmStrategies.Embeddings.Local.Model;

namespace LlmStrategies.Embeddings.Local.Tests.Model;

public sealed class UseLiteEncoderTests
{
    [Test]
    public void PortableKernels_AlsoMatchTheOriginalModel()
    {
        // A subset keeps the (unoptimised, Debug) portable path quick; it includes the empty sentence,
        // non-ASCII text and a text past the 128-token cap.
        var sentences = ReferenceFixture.Sentences.Where((_, index) => index % 5 == 0 || index == ReferenceFixture.Sentences.Count - 1).ToList();
        var model = TestModel.PortableModel;
        var workspace = model.CreateWorkspace();
        var output = new float[sentences.Count * UseLiteEncoder.OutputWidth];

        model.Embed(sentences.Select(sentence => sentence.Text).ToArray(), output, workspace, CancellationToken.None);

        var vectors = Enumerable.Range(0, sentences.Count).Select(i => output.AsSpan(i * 512, 512).ToArray()).ToList();
        LocalEmbeddingGeneratorTests.AssertMatchesReference(vectors, sentences);
    }

    [Test]
    public void Graph_HasTheShapeThePortExpects()
    {
        var encoder = TestModel.Model.Encoder;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(encoder.MaxTokens, Is.EqualTo(128));
            Assert.That(encoder.HeadCount, Is.EqualTo(4));
            Assert.That(encoder.HeadWidth0, Is.EqualTo(64));
            Assert.That(encoder.HeadWidth1, Is.EqualTo(128));
            Assert.That(encoder.VocabularyRows, Is.EqualTo(8002));
            Assert.That(UseLiteEncoder.MultiplyAddsPerToken, Is.EqualTo(4_653_056));
        }
    }

    [Test]
    public void Encode_RejectsATokenIdOutsideTheVocabulary()
    {
        var model = TestModel.Model;

        Assert.That(
            () => model.Encoder.Encode([5, 9000], [2], new float[512], model.CreateWorkspace()),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("9000"));
    }

    [Test]
    public void Embed_ManySentencesSpanSeveralChunks()
    {
        // 300 sentences exceed both chunk limits (256 sentences, 512 tokens): results must equal one-by-one encoding.
        var model = TestModel.Model;
        var texts = Enumerable.Range(0, 300).Select(i => i % 7 == 0 ? string.Empty : $"sentence number {i} about chunking").ToArray();
        var together = new float[texts.Length * 512];
        model.Embed(texts, together, model.CreateWorkspace(), CancellationToken.None);

        var alone = new float[512];
        var workspace = model.CreateWorkspace();
        foreach (var i in new[] { 0, 1, 100, 255, 256, 299 })
        {
            model.Embed([texts[i]], alone, workspace, CancellationToken.None);
            Assert.That(together.AsSpan(i * 512, 512).ToArray(), Is.EqualTo(alone).Within(1e-6f), $"sentence {i}");
        }
    }
}
