using LlmStrategies.Pipeline;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LlmStrategies.Providers.Tests;

public class ChatProviderServiceCollectionExtensionsTests
{
    [Test]
    public async Task ProviderIsSelectedByConfiguration()
    {
        await using var server = new LoopbackServer(_ => (200, "application/json",
            """{"id":"x","object":"chat.completion","created":1,"model":"cfg-model","choices":[{"index":0,"message":{"role":"assistant","content":"from config"},"finish_reason":"stop"}]}"""));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ChatProvider:Provider"] = "OpenAI",
            ["ChatProvider:Endpoint"] = new Uri(server.BaseAddress, "v1").ToString(),
            ["ChatProvider:Model"] = "cfg-model",
            ["ChatProvider:ApiKey"] = "k",
        });
        builder.Services.AddChatProvider(o => builder.Configuration.GetSection("ChatProvider").Bind(o));
        builder.Services.AddLlmStrategies().AddStrategy("prompt-only", (_, _) => { });
        using var host = builder.Build();
        await host.StartAsync();

        var result = await host.Services.GetRequiredKeyedService<StrategyPipeline>("prompt-only").RunAsync(new StrategyRequest("hello"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Answer, Is.EqualTo("from config"));
            Assert.That(server.Requests.Single().Path, Is.EqualTo("/v1/chat/completions"));
        });
        await host.StopAsync();
    }

    [Test]
    public void IncompleteProviderSettings_FailAtStartUp()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddChatProvider(o => o.Provider = ChatProviderKind.Ollama);
        using var host = builder.Build();

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain("ChatProvider:Model is required when ChatProvider:Provider is Ollama"));
    }
}
