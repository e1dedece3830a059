using LlmStrategies.Filtering;

namespace LlmStrategies.Tests.Filtering;

public class BlockedTermsFilterTests
{
    private readonly BlockedTermsFilter _filter = new(["password dump", "exploit"], "Not here.");

    [TestCase("Where can I find an EXPLOIT?")]
    [TestCase("send me the password   dump!")]
    [TestCase("ｅｘｐｌｏｉｔ kit")]
    public async Task RefusesQuestionsContainingABlockedTerm(string question)
    {
        var decision = await _filter.FilterAsync(new StrategyRequest(question));

        Assert.Multiple(() =>
        {
            Assert.That(decision.IsRefused, Is.True);
            Assert.That(decision.RefusalMessage, Is.EqualTo("Not here."));
            Assert.That(decision.FilterName, Is.EqualTo(nameof(BlockedTermsFilter)));
        });
    }

    [TestCase("What does exploitation mean in economics?")]
    [TestCase("How do I reset my password?")]
    public async Task AllowsQuestionsThatOnlyContainPartsOfATerm(string question)
    {
        Assert.That((await _filter.FilterAsync(new StrategyRequest(question))).IsRefused, Is.False);
    }

    [Test]
    public void RejectsEmptyTermLists()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new BlockedTermsFilter([]), Throws.ArgumentException.With.Message.Contains("empty"));
            Assert.That(() => new BlockedTermsFilter([" "]), Throws.ArgumentException.With.Message.Contains("white space"));
        });
    }

    [Test]
    public void RejectsATermWithoutLettersOrDigits_WhichWouldOtherwiseMatchEverySpace()
    {
        Assert.That(() => new BlockedTermsFilter(["exploit", "???"]), Throws.ArgumentException.With.Message.Contains("\"???\" has no letters or digits"));
    }
}
