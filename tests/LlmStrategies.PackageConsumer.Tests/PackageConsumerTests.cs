using System.IO.Compression;
using System.Reflection;
using System.Reflection.Metadata;
using System.Xml.Linq;
using LlmStrategies;
using LlmStrategies.Pipeline;
using LlmStrategies.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LlmStrategies.PackageConsumer.Tests;

/// <summary>Uses the packed packages the way an application would: package references, DI, the pipeline, the middleware.</summary>
public class PackageConsumerTests
{
    private static string Metadata(string key) =>
        typeof(PackageConsumerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    [Test]
    public void TheLibraryComesFromThePackageVersionUnderTest()
    {
        var informational = typeof(StrategyPipeline).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;

        Assert.That(informational, Does.StartWith(Metadata("LlmStrategiesPackageVersion") + "+"));
    }

    [Test]
    public async Task DependencyInjectionAndThePipeline_WorkFromThePackages()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddChatProvider(o => o.Provider = LlmStrategies.Providers.ChatProviderKind.Baseline);
        builder.Services.AddLlmStrategies().AddStrategy("rag", (_, b) => b.UseRetrievalAugmentation(new FixedContextRetriever(
            [new RetrievedChunk { ChunkId = "1", SourceId = "manual", Text = "The warranty lasts two years." }])));
        using var host = builder.Build();
        await host.StartAsync();

        var result = await host.Services.GetRequiredKeyedService<StrategyPipeline>("rag").RunAsync(new StrategyRequest("How long is the warranty?"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(StrategyOutcome.Answered));
            Assert.That(result.Answer, Is.EqualTo("The warranty lasts two years. [1]"));
        });
        await host.StopAsync();
    }

    [Test]
    public async Task TheMiddlewareWorksFromThePackages()
    {
        using var client = new LlmStrategies.Baseline.ExtractiveBaselineChatClient().AsBuilder()
            .UseRetrievalAugmentation(new FixedContextRetriever([new RetrievedChunk { ChunkId = "1", SourceId = "faq", Text = "Support is open on weekdays." }]))
            .Build();

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "When is support open?")]);

        Assert.That(response.GetRetrievedSources().Single().SourceId, Is.EqualTo("faq"));
    }

    [Test]
    public void TheVectorSearchPackage_SearchesFromThePackage()
    {
        using var index = new LlmStrategies.VectorSearch.FlatVectorIndex<string>(3);
        index.Add("a", [1f, 0f, 0f]);
        index.Add("b", [0f, 1f, 0f]);

        Assert.That(index.Search([0.9f, 0.1f, 0f], 1).Single().Key, Is.EqualTo("a"));
    }

    [Test]
    public void TheLocalEmbeddingsPackage_ReportsAMissingModelWithItsFix_WhenDownloadingIsOff()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-model-" + Guid.NewGuid().ToString("N"));

        Assert.That(() => new LlmStrategies.Embeddings.Local.LocalEmbeddingGenerator(new LlmStrategies.Embeddings.Local.LocalEmbeddingOptions { ModelDirectory = missing, AutoDownload = false }),
            Throws.TypeOf<LlmStrategies.Embeddings.Local.LocalEmbeddingModelException>().With.Message.Contains(missing));
    }

    [TestCase("LlmStrategies.Abstractions")]
    [TestCase("LlmStrategies")]
    [TestCase("LlmStrategies.Providers")]
    [TestCase("LlmStrategies.Embeddings.Local")]
    [TestCase("LlmStrategies.VectorSearch")]
    [TestCase("LlmStrategies.VectorData")]
    [TestCase("LlmStrategies.FineTuning.OpenAI")]
    [TestCase("LlmStrategies.Postgres")]
    [TestCase("LlmStrategies.Evaluation")]
    [TestCase("LlmStrategies.FineTuning")]
    [TestCase("LlmStrategies.Monitoring")]
    [TestCase("LlmStrategies.Resilience")]
    [TestCase("LlmStrategies.Tokenizers")]
    public void EachPackage_CarriesItsReadmeLicenceRepositoryAndSymbols(string id)
    {
        var version = Metadata("LlmStrategiesPackageVersion");
        var folder = Metadata("PackagesFolder");
        var package = Path.Combine(folder, $"{id}.{version}.nupkg");
        var symbols = Path.Combine(folder, $"{id}.{version}.snupkg");

        using var zip = ZipFile.OpenRead(package);
        using var nuspecStream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var nuspec = XDocument.Load(nuspecStream);
        XNamespace ns = nuspec.Root!.Name.NamespaceName;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Multiple(() =>
        {
            Assert.That(metadata.Element(ns + "license")!.Value, Is.EqualTo("MIT"));
            Assert.That(metadata.Element(ns + "readme")!.Value, Is.EqualTo("README.md"));
            Assert.That(zip.GetEntry("README.md"), Is.Not.Null);
            Assert.That(zip.GetEntry($"lib/net10.0/{id}.xml"), Is.Not.Null, "XML documentation is packed");
            Assert.That(metadata.Element(ns + "repository")!.Attribute("commit")!.Value, Has.Length.EqualTo(40));
            Assert.That(File.Exists(symbols), Is.True, "symbol package");
        });

        // The portable PDB in the symbol package embeds every source file, so a debugger can step into the library.
        using var symbolZip = ZipFile.OpenRead(symbols);
        using var pdb = new MemoryStream();
        using (var entry = symbolZip.GetEntry($"lib/net10.0/{id}.pdb")!.Open())
        {
            entry.CopyTo(pdb);
        }

        pdb.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();
        var embeddedSourceKind = new Guid("0E8A571B-6926-466E-B4AD-8AB04611F5FE");
        var documents = reader.Documents.ToList();
        var withEmbeddedSource = documents.Count(document => reader.GetCustomDebugInformation(document)
            .Select(reader.GetCustomDebugInformation)
            .Any(c => reader.GetGuid(c.Kind) == embeddedSourceKind));
        Assert.Multiple(() =>
        {
            Assert.That(documents, Is.Not.Empty);
            Assert.That(withEmbeddedSource, Is.EqualTo(documents.Count), "every source document is embedded");
        });
    }
}
