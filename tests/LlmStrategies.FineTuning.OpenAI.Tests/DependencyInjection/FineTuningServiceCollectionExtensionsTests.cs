using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LlmStrategies.FineTuning.OpenAI.Tests.DependencyInjection;

public class FineTuningServiceCollectionExtensionsTests
{
    [Test]
    public async Task AddOpenAIFineTuning_RegistersTheFineTuner()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddOpenAIFineTuning(o =>
        {
            o.Endpoint = new Uri("http://localhost:8000/v1");
            o.ApiKey = "key";
        });
        using var host = builder.Build();
        await host.StartAsync();

        var tuner = host.Services.GetRequiredService<IFineTuner>();

        Assert.Multiple(() =>
        {
            Assert.That(tuner, Is.SameAs(host.Services.GetRequiredService<OpenAIFineTuner>()));
            Assert.That(tuner.ProviderName, Is.EqualTo("OpenAI-compatible (http://localhost:8000/v1/)"));
        });
        await host.StopAsync();
    }

    [Test]
    public void AnInvalidSetting_FailsAtStart_NamingIt()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddOpenAIFineTuning(o =>
        {
            o.ApiKey = "key";
            o.MaxRetryAttempts = -1;
        });
        using var host = builder.Build();

        Assert.That(() => host.StartAsync(), Throws.TypeOf<OptionsValidationException>().With.Message.Contains("FineTuning:MaxRetryAttempts"));
    }
}
