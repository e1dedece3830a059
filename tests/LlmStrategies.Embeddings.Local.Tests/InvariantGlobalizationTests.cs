using System.Numerics.Tensors;
using LlmStrategies.Testing;
using System.Text;
using LlmStrategies.Embeddings.Local.Tokenization;

namespace LlmStrategies.Embeddings.Local.Tests;

/// <summary>
/// Issue 15 item 9: tokens must not depend on the globalization mode. <see cref="Embeddings_AreTheSameInEveryGlobalizationMode"/>
/// runs in this process (ICU) and again, through <see cref="Tests_PassInInvariantGlobalizationMode"/>, in a child
/// <c>dotnet test</c> with <c>DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1</c>, where <c>string.Normalize</c> is a no-op.
/// </summary>
public sealed class InvariantGlobalizationTests
{
    private const string Ligatures = "The \uFB01rst \uFB02ow of e\uFB03cient o\uFB00ers";
    private const string Plain = "The first flow of efficient offers";

    [Test]
    public async Task Embeddings_AreTheSameInEveryGlobalizationMode()
    {
        if (InvariantGlobalizationRun.IsChildRun)
        {
            Assert.That(Ligatures.Normalize(NormalizationForm.FormKC), Is.EqualTo(Ligatures), "the child run must be in invariant mode (string.Normalize a no-op)");
        }

        using var generator = TestModel.CreateGenerator();
        var embeddings = await generator.GenerateAsync([Ligatures, Plain, "U+FFFE inside\uFFFEa sentence", "lone \uD800 surrogate"]);
        var tokenizer = TestModel.Model.Tokenizer;
        var scratch = new TokenizerScratch();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(TensorPrimitives.Dot(embeddings[0].Vector.Span, embeddings[1].Vector.Span), Is.GreaterThanOrEqualTo(0.999f));
            Assert.That(Encode(tokenizer, scratch, Ligatures), Is.EqualTo(new[] { 34, 146, 1807, 14, 5186, 2999 }), "the original's tokens");
            foreach (var sentence in ReferenceFixture.Sentences)
            {
                Assert.That(Encode(tokenizer, scratch, sentence.Text), Is.EqualTo(sentence.Tokens), sentence.Text);
            }
        }
    }

    [Test]
    public void Tests_PassInInvariantGlobalizationMode()
    {
        if (InvariantGlobalizationRun.IsChildRun)
        {
            Assert.Pass("This is the child run.");
        }

        InvariantGlobalizationRun.AssertPasses(
            typeof(InvariantGlobalizationTests).Assembly,
            "FullyQualifiedName~InvariantGlobalizationTests.Embeddings_|FullyQualifiedName~Unicode.UnicodeNormalizerTests",
            new Dictionary<string, string> { [LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable] = TestModel.Directory });
    }

    private static int[] Encode(SentencePieceTokenizer tokenizer, TokenizerScratch scratch, string text)
    {
        var count = tokenizer.Encode(text, scratch); // first: it may replace scratch.Tokens with a larger array
        return scratch.Tokens[..count];
    }
}
