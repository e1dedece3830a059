using System.Text.Json.Serialization;
using LlmStrategies.Pipeline;
using LlmStrategies.Prompting;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Tests.Prompting;

public sealed record WarrantyAnswer(int Years, string[] Sources);

[JsonSerializable(typeof(WarrantyAnswer))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, RespectRequiredConstructorParameters = true)]
internal sealed partial class TestJsonContext : JsonSerializerContext;

public class StructuredOutputTests
{
    private static readonly StructuredOutput Output = StructuredOutput.For(TestJsonContext.Default.WarrantyAnswer);

    private static OutputValidationContext Answer(string text) => new()
    {
        Request = new StrategyRequest("q"),
        Answer = text,
        Response = new ChatResponse(new ChatMessage(ChatRole.Assistant, text)),
        Prompt = new BuiltPrompt { Messages = [new ChatMessage(ChatRole.User, "q")], StablePrefixHash = "" },
    };

    [Test]
    public void InstructionsAndResponseFormat_CarryTheTypesSchema()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Output.Instructions, Does.StartWith("Reply with only a JSON object").And.Contain("\"years\"").And.Contain("\"sources\"").And.Contain("\"integer\""));
            Assert.That(Output.ResponseFormat, Is.TypeOf<ChatResponseFormatJson>());
            Assert.That(((ChatResponseFormatJson)Output.ResponseFormat).SchemaName, Is.EqualTo(nameof(WarrantyAnswer)));
        });
    }

    [TestCase("""{"years": 3, "sources": ["warranty"]}""")]
    [TestCase("```json\n{\"years\": 3, \"sources\": []}\n```")]
    public async Task Validator_AcceptsConformingAnswers(string answer)
    {
        Assert.That((await Output.CreateValidator().ValidateAsync(Answer(answer))).IsValid, Is.True);
    }

    [TestCase("Three years.", "not a valid WarrantyAnswer")]
    [TestCase("""{"years": "three", "sources": []}""", "$.years")]
    [TestCase("null", "JSON null")]
    public async Task Validator_RejectsOtherAnswers_SayingWhere(string answer, string expected)
    {
        var outcome = await Output.CreateValidator().ValidateAsync(Answer(answer));

        Assert.That(outcome.Errors.Single().Message, Does.Contain(expected));
    }

    [Test]
    public async Task Pipeline_AsksForTheSchema_AndRepairsAnAnswerThatDoesNotParse()
    {
        var client = TestChatClient.Answering("The warranty is three years.", """{"years": 3, "sources": ["warranty"]}""");
        var pipeline = new StrategyPipelineBuilder("json", client).UseStructuredOutput(Output).Build();

        var result = await pipeline.RunAsync(new StrategyRequest("How long is the warranty?"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(StrategyOutcome.Answered));
            Assert.That(result.RepairAttempts, Is.EqualTo(1));
            Assert.That(client.Calls[0][0].Text, Does.Contain("JSON schema"));
            Assert.That(client.Options[0]!.ResponseFormat, Is.TypeOf<ChatResponseFormatJson>());
            Assert.That(client.Calls[1][^1].Text, Does.Contain("not a valid WarrantyAnswer"));
        });
    }
}
