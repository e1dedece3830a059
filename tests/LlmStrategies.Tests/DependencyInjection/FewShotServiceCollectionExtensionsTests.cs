using LlmStrategies.FewShot.Store;
using Microsoft.Extensions.DependencyInjection;

namespace LlmStrategies.Tests.DependencyInjection;

public class FewShotServiceCollectionExtensionsTests
{
    [Test]
    public async Task AddExampleStore_RegistersAPersistedStore_UnlessOneIsAlreadyRegistered()
    {
        var path = Path.Combine(Path.GetTempPath(), $"di-examples-{Guid.NewGuid():N}.json");
        try
        {
            using (var provider = new ServiceCollection().AddExampleStore(path).BuildServiceProvider())
            {
                await provider.GetRequiredService<IExampleStore>().UpsertAsync([new FewShotExample { Id = "1", Input = "i", Output = "o" }]);
            }

            using var reopened = new ServiceCollection().AddExampleStore(path).BuildServiceProvider();
            using var custom = ExampleStore.InMemory();
            using var overridden = new ServiceCollection().AddSingleton<IExampleStore>(custom).AddExampleStore(path).BuildServiceProvider();

            Assert.Multiple(async () =>
            {
                Assert.That(await reopened.GetRequiredService<IExampleStore>().GetAsync("1"), Is.Not.Null);
                Assert.That(overridden.GetRequiredService<IExampleStore>(), Is.SameAs(custom));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }
}
