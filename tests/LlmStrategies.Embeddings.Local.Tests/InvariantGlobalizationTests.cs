using System.Diagnostics;
using System.Numerics.Tensors;
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
    /// <summary>Set in the child run: the tests there also check that ICU really is off.</summary>
    private const string ChildRunVariable = "LLMSTRATEGIES_TEST_EXPECT_INVARIANT_GLOBALIZATION";

    private const string Ligatures = "The \uFB01rst \uFB02ow of e\uFB03cient o\uFB00ers";
    private const string Plain = "The first flow of efficient offers";

    [Test]
    public async Task Embeddings_AreTheSameInEveryGlobalizationMode()
    {
        if (Environment.GetEnvironmentVariable(ChildRunVariable) == "1")
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
        if (Environment.GetEnvironmentVariable(ChildRunVariable) == "1")
        {
            Assert.Pass("This is the child run.");
        }

        var testAssembly = typeof(InvariantGlobalizationTests).Assembly.Location;
        var results = Directory.CreateTempSubdirectory("llmstrategies-invariant-");
        try
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "test", testAssembly, "--results-directory", results.FullName,
                "--filter", "FullyQualifiedName~InvariantGlobalizationTests.Embeddings_|FullyQualifiedName~Unicode.UnicodeNormalizerTests",
            })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
            start.Environment[ChildRunVariable] = "1";
            start.Environment[LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable] = TestModel.Directory;
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            var log = output + error.GetAwaiter().GetResult();

            Assert.That(process.ExitCode, Is.Zero, log);
            Assert.That(log, Does.Contain("Failed:     0").And.Not.Contain("Passed:     0"), log);
            TestContext.Out.WriteLine(log);
        }
        finally
        {
            results.Delete(recursive: true);
        }
    }

    private static int[] Encode(SentencePieceTokenizer tokenizer, TokenizerScratch scratch, string text)
    {
        var count = tokenizer.Encode(text, scratch); // first: it may replace scratch.Tokens with a larger array
        return scratch.Tokens[..count];
    }
}
