using LlmStrategies;

namespace LlmStrategies.Abstractions.Tests.Filtering;

public class FilterDecisionTests
{
    [Test]
    public void Allow_IsNotARefusal_AndKeepsTheRequest()
    {
        var decision = FilterDecision.Allow();

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsRefused, Is.False);
            Assert.That(decision.Request, Is.Null);
        });
    }

    [Test]
    public void AllowWithRewrite_CarriesTheNewRequest()
    {
        var rewritten = new StrategyRequest("rewritten");

        Assert.That(FilterDecision.Allow(rewritten).Request, Is.SameAs(rewritten));
    }

    [Test]
    public void Refuse_CarriesNameReasonAndMessage()
    {
        var decision = FilterDecision.Refuse("moderation", "blocked term", "Sorry.");

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsRefused, Is.True);
            Assert.That(decision.FilterName, Is.EqualTo("moderation"));
            Assert.That(decision.Reason, Is.EqualTo("blocked term"));
            Assert.That(decision.RefusalMessage, Is.EqualTo("Sorry."));
        });
    }

    [Test]
    public void Refuse_RequiresEveryPart()
    {
        Assert.That(() => FilterDecision.Refuse("f", "r", ""), Throws.ArgumentException);
    }
}
