using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.Experiments;

public class PriceTableTests
{
    [Test]
    public void Cost_ChargesCachedInputAtItsOwnPrice()
    {
        // 1,000 input tokens of which 400 cached, 200 output: (600 × 2.50 + 400 × 1.25 + 200 × 10) / 1e6.
        var price = new ModelPrice(2.50m, 1.25m, 10m);
        Assert.That(price.Cost(1_000, 400, 200), Is.EqualTo(0.004m));
    }

    [Test]
    public void UnknownModel_HasNoCost()
    {
        Assert.That(new PriceTable().Cost("nobody", 1, 0, 1), Is.Null);
    }

    [Test]
    public void SaveAndLoad_RoundTrip_AndForeignFilesFail()
    {
        using var temp = new TempDirectory();
        var table = new PriceTable("EUR").Set("gpt-4o-mini", new ModelPrice(0.15m, 0.075m, 0.60m));
        table.Save(temp.File("prices.json"));

        var loaded = PriceTable.Load(temp.File("prices.json"));

        Assert.Multiple(() =>
        {
            Assert.That(loaded.Currency, Is.EqualTo("EUR"));
            Assert.That(loaded.Prices["GPT-4O-MINI"], Is.EqualTo(new ModelPrice(0.15m, 0.075m, 0.60m)), "model ids ignore case");
            Assert.Throws<DatasetFormatException>(() => PriceTable.Load(temp.Write("other.json", "{\"schema\": \"x\"}")));
        });
    }

    [Test]
    public async Task Recost_RepricesARecordedRunWithoutCallingAnyModel()
    {
        var strategy = ExperimentRunnerTests.AllRight();
        var run = await new ExperimentRunner(prices: new PriceTable().Set("m", new ModelPrice(1m, 1m, 1m))).RunAsync([new ExperimentStrategy(strategy, "m")], ExperimentRunnerTests.Questions(4), [new ContainsEvaluator()]);

        var recosted = run.Recost(new PriceTable().Set("m", new ModelPrice(10m, 10m, 20m)));

        Assert.Multiple(() =>
        {
            Assert.That(strategy.Calls, Is.EqualTo(4), "only the original run called the strategy");
            Assert.That(run.Records.Sum(r => r.Cost), Is.EqualTo(4 * 110m / 1_000_000m));
            Assert.That(recosted.Records.Sum(r => r.Cost), Is.EqualTo(4 * ((100m * 10m) + (10m * 20m)) / 1_000_000m));
            Assert.That(recosted.Records.Select(r => r.Metrics), Is.EqualTo(run.Records.Select(r => r.Metrics)));
        });
    }

    [TestCase("{\"schema\":\"llmstrategies.price-table\",\"version\":1,\"currency\":\"\",\"models\":{}}", "\"currency\" is empty")]
    [TestCase("{\"schema\":\"llmstrategies.price-table\",\"version\":1,\"models\":{\"\":{\"input\":1,\"output\":1}}}", "a model in \"models\" has an empty name")]
    public void EmptyCurrencyOrModel_IsAnErrorNamingTheFile(string json, string expected)
    {
        using var temp = new TempDirectory();
        var path = temp.Write("prices.json", json);

        var ex = Assert.Throws<DatasetFormatException>(() => PriceTable.Load(path));

        Assert.That(ex!.Message, Does.Contain(path).And.Contain(expected));
    }

    [Test]
    public void AByteOrderMark_IsAccepted()
    {
        using var temp = new TempDirectory();
        var path = temp.File("prices.json");
        new PriceTable("EUR").Set("m", new ModelPrice(1, 0.5m, 2)).Save(path);
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. File.ReadAllBytes(path)]);

        Assert.That(PriceTable.Load(path).Currency, Is.EqualTo("EUR"));
    }
}
