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
}
