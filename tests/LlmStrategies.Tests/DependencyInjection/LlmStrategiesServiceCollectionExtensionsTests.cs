using LlmStrategies.Baseline;
using LlmStrategies.Pipeline;
using LlmStrategies.Prompting;
using LlmStrategies.Retrieval;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static LlmStrategies.Tests.TestDoubles.Samples;

namespace LlmStrategies.Tests.DependencyInjection;

public class LlmStrategiesServiceCollectionExtensionsTests
{
    private static readonly RetrievedChunk[] Docs = [Chunk("1", "The warranty lasts two years."), Chunk("2", "Support is open on weekdays.")];

    [Test]
    public async Task RegistersNamedPipelines_InAHostBuilder()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton<IRetriever>(new FixedContextRetriever(Docs));
        builder.Services.AddBaselineChatClient();
        builder.Services.AddLlmStrategies(o => o.MaxRepairAttempts = 1)
            .AddStrategy("prompt-only", (_, _) => { })
            .AddStrategy("rag", (sp, b) => b.UseRetrievalAugmentation(sp.GetRequiredService<IRetriever>(), top: 2));
        using var host = builder.Build();
        await host.StartAsync();

        var rag = host.Services.GetRequiredKeyedService<StrategyPipeline>("rag");
        var result = await rag.RunAsync(new StrategyRequest("How long is the warranty?"));
        var strategies = host.Services.GetServices<IStrategy>().ToList();

        Assert.Multiple(() =>
        {
            Assert.That(result.Answer, Is.EqualTo("The warranty lasts two years. [1]"));
            Assert.That(strategies.Select(s => s.Name), Is.EquivalentTo(new[] { "prompt-only", "rag" }));
            Assert.That(host.Services.GetRequiredKeyedService<IStrategy>("rag"), Is.SameAs(rag));
            Assert.That(rag.FingerprintText, Does.Contain("max-repair-attempts=1\n"), "pipelines start from the registered defaults");
            Assert.That(strategies[0].Fingerprint, Is.Not.EqualTo(strategies[1].Fingerprint));
        });
        await host.StopAsync();
    }

    [Test]
    public void InvalidDefaults_FailAtStartUp_NamingTheSetting()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["LlmStrategies:MaxRepairAttempts"] = "25" });
        builder.Services.AddBaselineChatClient();
        builder.Services.AddLlmStrategies(o => builder.Configuration.GetSection("LlmStrategies").Bind(o));
        using var host = builder.Build();

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain("MaxRepairAttempts must be between 0 and 10"));
    }

    [Test]
    public async Task NamedStrategyOptions_ComeFromTheirConfigurationSection_OnTopOfTheDefaults()
    {
        using var host = HostWith(new()
        {
            ["LlmStrategies:Defaults:MaxRepairAttempts"] = "1",
            ["LlmStrategies:Defaults:SystemPrompt"] = "Answer briefly.",
            ["LlmStrategies:Strategies:rag:MaxRepairAttempts"] = "3",
            ["LlmStrategies:Strategies:rag:ChatOptions:Temperature"] = "0.25",
        });
        await host.StartAsync();

        var monitor = host.Services.GetRequiredService<IOptionsMonitor<StrategyPipelineOptions>>();
        var rag = monitor.Get("rag");
        var promptOnly = monitor.Get("prompt-only");

        Assert.Multiple(() =>
        {
            Assert.That(rag.MaxRepairAttempts, Is.EqualTo(3), "the strategy's own section wins");
            Assert.That(rag.SystemPrompt, Is.EqualTo("Answer briefly."), "keys the section does not set come from the defaults");
            Assert.That(rag.ChatOptions?.Temperature, Is.EqualTo(0.25f));
            Assert.That(promptOnly.MaxRepairAttempts, Is.EqualTo(1));
            Assert.That(promptOnly.ChatOptions?.Temperature, Is.Null, "one strategy's section does not leak into another");
            Assert.That(host.Services.GetRequiredKeyedService<StrategyPipeline>("rag").FingerprintText, Does.Contain("max-repair-attempts=3\n"), "the pipeline is built from its named options");
            Assert.That(host.Services.GetRequiredKeyedService<StrategyPipeline>("prompt-only").FingerprintText, Does.Contain("max-repair-attempts=1\n"));
        });
        await host.StopAsync();
    }

    [Test]
    public void AnInvalidNamedStrategySetting_FailsAtStartUp_NamingTheStrategyAndTheSetting()
    {
        using var host = HostWith(new() { ["LlmStrategies:Strategies:rag:MaxRepairAttempts"] = "25" });

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain("Strategy 'rag' (LlmStrategies:Strategies:rag)").And.Contain("MaxRepairAttempts must be between 0 and 10"));
    }

    [Test]
    public void ASectionForAStrategyThatIsNotRegistered_FailsAtStartUp_ListingTheRegisteredOnes()
    {
        using var host = HostWith(new() { ["LlmStrategies:Strategies:RAG:MaxRepairAttempts"] = "2" });

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain("LlmStrategies:Strategies:RAG configures a strategy named 'RAG'").And.Contain("registered: prompt-only, rag"));
    }

    [Test]
    public void AnUnknownKeyInAStrategySection_FailsAtStartUp_NamingTheKey()
    {
        using var host = HostWith(new() { ["LlmStrategies:Strategies:rag:MaxRepairAttemps"] = "2" });

        Assert.That(() => host.StartAsync(), Throws.InvalidOperationException.With.Message.Contains("MaxRepairAttemps"));
    }

    private static IHost HostWith(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<IRetriever>(new FixedContextRetriever(Docs));
        builder.Services.AddBaselineChatClient();
        builder.Services.AddLlmStrategies(builder.Configuration)
            .AddStrategy("prompt-only", (_, _) => { })
            .AddStrategy("rag", (sp, b) => b.UseRetrievalAugmentation(sp.GetRequiredService<IRetriever>(), top: 2));
        return builder.Build();
    }

    [Test]
    public void PipelineWithoutAChatClient_SaysHowToRegisterOne()
    {
        var services = new ServiceCollection();
        services.AddLlmStrategies().AddStrategy("p", (_, _) => { });
        using var provider = services.BuildServiceProvider();

        Assert.That(() => provider.GetRequiredKeyedService<StrategyPipeline>("p"),
            Throws.InvalidOperationException.With.Message.Contains("AddBaselineChatClient"));
    }

    [Test]
    public void RegistersDefaultsOnlyWhenMissing()
    {
        var custom = new SectionedPromptBuilder();
        var services = new ServiceCollection().AddSingleton<IPromptBuilder>(custom).AddSingleton<IChatClient>(TestChatClient.Answering("x"));
        services.AddBaselineChatClient();
        services.AddLlmStrategies();
        using var provider = services.BuildServiceProvider();

        Assert.Multiple(() =>
        {
            Assert.That(provider.GetRequiredService<IPromptBuilder>(), Is.SameAs(custom));
            Assert.That(provider.GetRequiredService<IChatClient>(), Is.TypeOf<TestChatClient>());
            Assert.That(provider.GetRequiredService<TimeProvider>(), Is.SameAs(TimeProvider.System));
        });
    }

    [Test]
    public async Task MiddlewareResolvesItsComponentsFromServices()
    {
        var services = new ServiceCollection().AddSingleton<IRetriever>(new FixedContextRetriever(Docs));
        services.AddChatClient(new ExtractiveBaselineChatClient()).UseRetrievalAugmentation(configure: o => o.Top = 1);
        using var provider = services.BuildServiceProvider();

        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync([new ChatMessage(ChatRole.User, "How long is the warranty?")]);

        Assert.Multiple(() =>
        {
            Assert.That(response.GetRetrievedSources().Select(s => s.ChunkId), Is.EqualTo(new[] { "1" }));
            Assert.That(response.Text, Is.EqualTo("The warranty lasts two years. [1]"));
        });
    }

    [Test]
    public void DuplicateStrategyNames_AreRejected()
    {
        var services = new ServiceCollection();
        services.AddLlmStrategies().AddStrategy("rag", (_, _) => { });

        Assert.That(() => services.AddStrategyPipeline("rag", (_, _) => { }), Throws.InvalidOperationException.With.Message.Contains("'rag' is already registered"));
    }

    [Test]
    public void ArgumentsAreChecked()
    {
        var services = new ServiceCollection();

        Assert.Multiple(() =>
        {
            Assert.That(() => services.AddStrategyPipeline(" ", (_, _) => { }), Throws.ArgumentException);
            Assert.That(() => services.AddStrategyPipeline("p", null!), Throws.ArgumentNullException);
            Assert.That(() => ((IServiceCollection)null!).AddLlmStrategies(), Throws.ArgumentNullException);
        });
    }
}
