using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmStrategies.Embeddings.Local.Tests.DependencyInjection;

public sealed class LocalEmbeddingServiceCollectionExtensionsTests
{
    [Test]
    public async Task AddLocalEmbeddings_RegistersAWorkingGenerator()
    {
        var services = new ServiceCollection();
        services.AddLocalEmbeddings(options => options.ModelDirectory = TestModel.Directory);
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var embeddings = await generator.GenerateAsync(["hello"]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(embeddings[0].Vector.Length, Is.EqualTo(512));
            Assert.That(generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId, Is.EqualTo(LocalEmbeddingGenerator.ModelId));
            Assert.That(provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>(), Is.SameAs(generator));
        }
    }

    [Test]
    public void AddLocalEmbeddings_ValidatesOnStartNamingTheWrongSetting()
    {
        var services = new ServiceCollection();
        services.AddLocalEmbeddings(options =>
        {
            options.ModelDirectory = "/nonexistent/use-lite";
            options.MaxDegreeOfParallelism = 0;
            options.AutoDownload = false;
        });
        using var provider = services.BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(exception!.Message, Does.Contain("LocalEmbeddingOptions.MaxDegreeOfParallelism must be between 1 and 1,024")
            .And.Contain("'/nonexistent/use-lite' (from LocalEmbeddingOptions.ModelDirectory)")
            .And.Contain("downloading is off")
            .And.Contain("tools/fetch-embedding-model.sh"));
    }

    [Test]
    public void AddLocalEmbeddings_WithAutoDownload_AMissingModelIsNotAStartupError()
    {
        var services = new ServiceCollection();
        services.AddLocalEmbeddings(options => options.ModelDirectory = "/nonexistent/use-lite");
        using var provider = services.BuildServiceProvider();

        Assert.That(() => provider.GetRequiredService<IStartupValidator>().Validate(), Throws.Nothing);
    }

    [Test]
    public void AddLocalEmbeddings_ValidatesTheDownloadSettings()
    {
        var services = new ServiceCollection();
        services.AddLocalEmbeddings(options =>
        {
            options.ModelDirectory = TestModel.Directory;
            options.Registry = "registry.example";
            options.DownloadTimeout = TimeSpan.FromSeconds(-1);
        });
        using var provider = services.BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.That(exception!.Message, Does.Contain("LocalEmbeddingOptions.Registry is 'registry.example'")
            .And.Contain("LocalEmbeddingOptions.DownloadTimeout is -00:00:01"));
    }

    [Test]
    public void AddLocalEmbeddings_RejectsABlankModelDirectory()
    {
        var services = new ServiceCollection();
        services.AddLocalEmbeddings(options => options.ModelDirectory = "  ");
        using var provider = services.BuildServiceProvider();

        Assert.That(
            () => provider.GetRequiredService<IStartupValidator>().Validate(),
            Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("LocalEmbeddingOptions.ModelDirectory is blank"));
    }

    [Test]
    public async Task AddLocalEmbeddings_CanBeCachedWithUseDistributedCache()
    {
        var services = new ServiceCollection();
        services.AddDistributedMemoryCache();
        services.AddLocalEmbeddings(options => options.ModelDirectory = TestModel.Directory).UseDistributedCache();
        await using var provider = services.BuildServiceProvider();

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var first = await generator.GenerateAsync(["cache me"]);
        var second = await generator.GenerateAsync(["cache me"]);

        Assert.That(generator.GetService<DistributedCachingEmbeddingGenerator<string, Embedding<float>>>(), Is.Not.Null);
        Assert.That(second[0].Vector.ToArray(), Is.EqualTo(first[0].Vector.ToArray()));
    }

    [Test]
    public void AddLocalEmbeddings_RejectsNullServices()
    {
        Assert.That(() => LocalEmbeddingServiceCollectionExtensions.AddLocalEmbeddings(null!), Throws.ArgumentNullException);
    }
}
