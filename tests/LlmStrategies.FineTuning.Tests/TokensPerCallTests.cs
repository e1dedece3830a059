using LlmStrategies.Experiments;
using LlmStrategies.FineTuning;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Tests.FineTuning;

public class TokensPerCallTests
{
    [Test]
    public void MeanOf_AveragesTheUsageOfEveryCall_CountingMissingAsZero()
    {
        var tokens = TokensPerCall.MeanOf(
        [
            new UsageDetails { InputTokenCount = 100, OutputTokenCount = 10, CachedInputTokenCount = 60 },
            new UsageDetails { InputTokenCount = 300, OutputTokenCount = 30 },
            new UsageDetails(),
        ]);

        Assert.That(tokens, Is.EqualTo(new TokensPerCall(InputTokens: 400 / 3.0, OutputTokens: 40 / 3.0, CachedInputTokens: 20)));
    }

    [Test]
    public void MeanOf_NeedsAtLeastOneCall() =>
        Assert.That(() => TokensPerCall.MeanOf([]), Throws.ArgumentException.With.Message.Contains("at least one"));

    [Test]
    public void CostAt_ChargesUncachedCachedAndOutputTokensAtTheirPrices()
    {
        var prices = new ModelPrice(InputPerMillion: 2.50m, CachedInputPerMillion: 1.25m, OutputPerMillion: 10m);

        // 1,000 input tokens of which 400 cached, 200 output: 600 × 2.5 + 400 × 1.25 + 200 × 10 = 4,000 per million.
        Assert.That(new TokensPerCall(1_000, 200, CachedInputTokens: 400).CostAt(prices), Is.EqualTo(0.004m));
    }

    [Test]
    public void CostAt_AcceptsFractionalMeans() =>
        Assert.That(new TokensPerCall(0.5, 0).CostAt(new ModelPrice(1m, 0m, 0m)), Is.EqualTo(0.0000005m));

    [Test]
    public void CostAt_RejectsImpossibleCounts()
    {
        var prices = new ModelPrice(1m, 1m, 1m);

        Assert.Multiple(() =>
        {
            Assert.That(() => new TokensPerCall(10, 1, CachedInputTokens: 11).CostAt(prices), Throws.ArgumentException.With.Message.Contains("cannot exceed InputTokens"));
            Assert.That(() => new TokensPerCall(-1, 1).CostAt(prices), Throws.ArgumentException);
            Assert.That(() => new TokensPerCall(double.NaN, 1).CostAt(prices), Throws.ArgumentException);
            Assert.That(() => new TokensPerCall(1, 1).CostAt(new ModelPrice(-1m, 0m, 0m)), Throws.ArgumentException.With.Message.Contains("must not be negative"));
        });
    }
}
