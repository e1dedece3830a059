using System.Reflection;
using LlmStrategies.Baseline;
using LlmStrategies.Pipeline;
using LlmStrategies.Retrieval;
using LlmStrategies.Retrieval.Keyword;

namespace LlmStrategies.PackageConsumer.Core.Tests;

/// <summary>An application that takes only the core package: BM25 retrieval and the pipeline, nothing else.</summary>
public class CorePackageConsumerTests
{
    [Test]
    public void TheLibraryComesFromThePackageVersionUnderTest()
    {
        var expected = typeof(CorePackageConsumerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "LlmStrategiesPackageVersion").Value!;
        var informational = typeof(StrategyPipeline).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        Assert.That(informational, Does.StartWith(expected + "+"));
    }

    [Test]
    public async Task ABm25RagPipeline_RunsFromTheCorePackageAlone()
    {
        using var index = new Bm25Index();
        index.Add(new TextChunk { Id = "w#0", SourceId = "warranty", Text = "The warranty lasts two years from the date of purchase." });
        index.Add(new TextChunk { Id = "s#0", SourceId = "support", Text = "Support is open on weekdays from nine to five." });
        var pipeline = new StrategyPipelineBuilder("rag-bm25", new ExtractiveBaselineChatClient())
            .UseRetrievalAugmentation(new KeywordRetriever(index), top: 1)
            .Build();

        var result = await pipeline.RunAsync(new StrategyRequest("How long does the warranty last?"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(StrategyOutcome.Answered));
            Assert.That(result.Sources.Single().SourceId, Is.EqualTo("warranty"));
            Assert.That(result.Answer, Does.Contain("two years"));
        });
    }

    [Test]
    public void TheOutputFolder_HasNeitherPollyNorTheTokenizerTables()
    {
        var assemblies = Directory.GetFiles(AppContext.BaseDirectory, "*.dll").Select(Path.GetFileName).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(assemblies, Does.Contain("LlmStrategies.dll"), "the test looks at the right folder");
            Assert.That(assemblies.Where(a => a!.StartsWith("Polly", StringComparison.OrdinalIgnoreCase)), Is.Empty, "Polly is only in LlmStrategies.Resilience");
            Assert.That(assemblies.Where(a => a!.StartsWith("Microsoft.ML.Tokenizers.Data", StringComparison.OrdinalIgnoreCase)), Is.Empty, "the tiktoken tables are only in LlmStrategies.Tokenizers");
            Assert.That(assemblies.Where(a => a!.StartsWith("Microsoft.Extensions.Compliance", StringComparison.OrdinalIgnoreCase)), Is.Empty, "redaction is only in LlmStrategies.Monitoring");
            Assert.That(assemblies.Where(a => a!.StartsWith("Microsoft.Extensions.AI.Evaluation", StringComparison.OrdinalIgnoreCase)), Is.Empty, "evaluators are only in LlmStrategies.Evaluation");
        });
    }
}
