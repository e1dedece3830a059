using LlmStrategies.Experiments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmStrategies.Tests.Experiments;

public class ExperimentsServiceCollectionExtensionsTests
{
    [Test]
    public async Task AddExperiments_RegistersARunnerWithTheRegisteredPricesAndCache()
    {
        var services = new ServiceCollection();
        services.AddSingleton(new PriceTable().Set("m", new ModelPrice(1m, 1m, 1m)));
        services.AddExperiments(o => o.Repeats = 2);
        await using var provider = services.BuildServiceProvider();

        var runner = provider.GetRequiredService<ExperimentRunner>();
        var run = await runner.RunAsync([new ExperimentStrategy(ExperimentRunnerTests.AllRight(), "m")], ExperimentRunnerTests.Questions(2), []);

        Assert.Multiple(() =>
        {
            Assert.That(provider.GetRequiredService<ExperimentRunner>(), Is.SameAs(runner));
            Assert.That(run.Records, Has.Count.EqualTo(4), "2 items × 2 repeats");
            Assert.That(run.Records[0].Cost, Is.EqualTo(110m / 1_000_000m));
        });
    }

    [Test]
    public void InvalidOptions_FailWithAMessage()
    {
        var services = new ServiceCollection().AddExperiments(o => o.Repeats = 0);
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ExperimentRunner>());
        Assert.That(ex!.Message, Does.Contain("Repeats"));
    }
}
