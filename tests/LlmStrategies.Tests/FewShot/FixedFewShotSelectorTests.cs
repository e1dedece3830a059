using LlmStrategies.FewShot;
using static LlmStrategies.Tests.TestDoubles.Samples;

namespace LlmStrategies.Tests.FewShot;

public class FixedFewShotSelectorTests
{
    [Test]
    public async Task ReturnsTheFirstExamplesInOrder()
    {
        var selector = new FixedFewShotSelector([Example("a", "1", "x"), Example("b", "2", "y"), Example("c", "3", "z")]);

        var selected = await selector.SelectAsync(new FewShotRequest("new input", 2));

        Assert.That(selected.Select(e => e.Id), Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public async Task NeverSelectsAnExampleWhoseInputIsTheRequestInput()
    {
        var selector = new FixedFewShotSelector([Example("a", "What is the warranty?", "x"), Example("b", "2", "y")]);

        var selected = await selector.SelectAsync(new FewShotRequest("  what is the WARRANTY?  ", 2));

        Assert.That(selected.Select(e => e.Id), Is.EqualTo(new[] { "b" }));
    }

    [Test]
    public async Task HonoursTheMetadataFilter()
    {
        var tagged = new FewShotExample { Id = "t", Input = "i", Output = "o", Metadata = new Dictionary<string, string> { ["lang"] = "de" } };
        var selector = new FixedFewShotSelector([Example("a", "1", "x"), tagged]);

        var selected = await selector.SelectAsync(new FewShotRequest("q", 5, MetadataFilter.Where("lang", "de")));

        Assert.That(selected.Select(e => e.Id), Is.EqualTo(new[] { "t" }));
    }

    [Test]
    public void RejectsNullExamples()
    {
        Assert.That(() => new FixedFewShotSelector([null!]), Throws.ArgumentException.With.Message.Contains("null"));
    }
}
