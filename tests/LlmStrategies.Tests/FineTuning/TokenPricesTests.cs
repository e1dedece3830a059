using LlmStrategies.FineTuning;

namespace LlmStrategies.Tests.FineTuning;

public class TokenPricesTests
{
    [Test]
    public void CostOf_ChargesUncachedCachedAndOutputTokensAtTheirPrices()
    {
        var prices = new TokenPrices(InputPerMillion: 2.50m, CachedInputPerMillion: 1.25m, OutputPerMillion: 10m);

        // 1,000 input tokens of which 400 cached, 200 output: 600 × 2.5 + 400 × 1.25 + 200 × 10 = 4,000 per million.
        Assert.That(prices.CostOf(new TokensPerCall(1_000, 200, CachedInputTokens: 400)), Is.EqualTo(0.004m));
    }

    [Test]
    public void CostOf_AcceptsFractionalMeans() =>
        Assert.That(new TokenPrices(1m, 0m, 0m).CostOf(new TokensPerCall(0.5, 0)), Is.EqualTo(0.0000005m));

    [Test]
    public void CostOf_RejectsImpossibleCounts()
    {
        var prices = new TokenPrices(1m, 1m, 1m);

        Assert.Multiple(() =>
        {
            Assert.That(() => prices.CostOf(new TokensPerCall(10, 1, CachedInputTokens: 11)), Throws.ArgumentException.With.Message.Contains("cannot exceed InputTokens"));
            Assert.That(() => prices.CostOf(new TokensPerCall(-1, 1)), Throws.ArgumentException);
            Assert.That(() => prices.CostOf(new TokensPerCall(double.NaN, 1)), Throws.ArgumentException);
            Assert.That(() => new TokenPrices(-1m, 0m, 0m).CostOf(new TokensPerCall(1, 1)), Throws.ArgumentException.With.Message.Contains("must not be negative"));
        });
    }
}
