using LlmStrategies.Validation;
using Microsoft.Extensions.AI;
using static LlmStrategies.Tests.TestDoubles.Samples;

namespace LlmStrategies.Tests.Validation;

public class CitationOutputValidatorTests
{
    private readonly CitationOutputValidator _validator = new();

    private static OutputValidationContext Context(string answer, int sources) => new()
    {
        Request = new StrategyRequest("q"),
        Answer = answer,
        Response = new ChatResponse(new ChatMessage(ChatRole.Assistant, answer)),
        Prompt = new BuiltPrompt
        {
            Messages = [new ChatMessage(ChatRole.User, "q")],
            StablePrefixHash = "",
            IncludedContext = Enumerable.Range(1, sources).Select(i => Chunk(i.ToString(System.Globalization.CultureInfo.InvariantCulture), "t")).ToArray(),
        },
    };

    [TestCase("Two years [1].", 2)]
    [TestCase("Two years [1][2].", 2)]
    [TestCase("I cannot answer that from the supplied context.", 2)]
    [TestCase("No context, no citation needed.", 0)]
    public async Task Accepts(string answer, int sources)
    {
        Assert.That((await _validator.ValidateAsync(Context(answer, sources))).IsValid, Is.True);
    }

    [Test]
    public async Task RejectsAMissingCitation_WhenContextWasSupplied()
    {
        var outcome = await _validator.ValidateAsync(Context("Two years.", 2));

        Assert.That(outcome.Errors.Single().Message, Does.Contain("cites no passage"));
    }

    [Test]
    public async Task RejectsCitationsOfPassagesThatWereNotSupplied()
    {
        var outcome = await _validator.ValidateAsync(Context("Two years [3] [0].", 2));

        Assert.That(outcome.Errors.Single().Message, Does.Contain("[3], [0]").And.Contain("[1] to [2]"));
    }
}
