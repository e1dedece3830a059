using LlmStrategies.Pipeline;
using LlmStrategies.Retrieval;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using static LlmStrategies.Tests.TestDoubles.Samples;

namespace LlmStrategies.Tests.Pipeline;

public class StrategyPipelineBuilderTests
{
    private static readonly FixedContextRetriever Retriever = new([Chunk("1", "text")]);

    [TestCase(-1, "MaxRepairAttempts")]
    [TestCase(11, "MaxRepairAttempts")]
    public void OutOfRangeSetting_FailsBuildNamingTheSetting(int attempts, string setting)
    {
        var builder = new StrategyPipelineBuilder("p", TestChatClient.Answering("a")).Configure(o => o.MaxRepairAttempts = attempts);

        Assert.That(() => builder.Build(), Throws.TypeOf<OptionsValidationException>().With.Message.Contains(setting).And.Message.Contains("between 0 and 10"));
    }

    [Test]
    public void EveryInvalidSetting_IsReported()
    {
        var builder = new StrategyPipelineBuilder("p", TestChatClient.Answering("a")).Configure(o =>
        {
            o.MaxQuestionLength = 0;
            o.RetrievalTop = 0;
            o.FewShotCount = -1;
            o.RepairInstruction = "";
        });

        var ex = Assert.Throws<OptionsValidationException>(() => builder.Build());

        Assert.That(ex!.Failures, Has.Some.Contains("MaxQuestionLength")
            .And.Some.Contains("RetrievalTop")
            .And.Some.Contains("FewShotCount")
            .And.Some.Contains("RepairInstruction"));
    }

    [Test]
    public void NameAndClientAreRequired()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new StrategyPipelineBuilder(" ", TestChatClient.Answering("a")), Throws.ArgumentException);
            Assert.That(() => new StrategyPipelineBuilder("p", null!), Throws.ArgumentNullException);
        });
    }

    [Test]
    public void Fingerprint_IsStableForEqualConfigurations_AndIgnoresTheName()
    {
        var a = new StrategyPipelineBuilder("a", TestChatClient.Answering("x")).UseRetrievalAugmentation(Retriever, 5).Build();
        var b = new StrategyPipelineBuilder("b", TestChatClient.Answering("y")).UseRetrievalAugmentation(new FixedContextRetriever([Chunk("1", "text")]), 5).Build();

        Assert.Multiple(() =>
        {
            Assert.That(b.Fingerprint, Is.EqualTo(a.Fingerprint));
            Assert.That(a.FingerprintText, Does.Contain("retriever.top=5\n").And.Contain("model.default=test-model\n"));
        });
    }

    [Test]
    public void Fingerprint_ChangesWithEveryAnswerAffectingSetting()
    {
        static StrategyFingerprint Make(Action<StrategyPipelineBuilder> change)
        {
            var builder = new StrategyPipelineBuilder("p", TestChatClient.Answering("x")).UseRetrievalAugmentation(Retriever, 5);
            change(builder);
            return builder.Build().Fingerprint;
        }

        var baseline = Make(_ => { });
        var variants = new Dictionary<string, StrategyFingerprint>
        {
            ["top"] = Make(b => b.Options.RetrievalTop = 6),
            ["temperature"] = Make(b => b.Options.ChatOptions = new ChatOptions { Temperature = 0.7f }),
            ["model"] = Make(b => b.Options.ChatOptions = new ChatOptions { ModelId = "other" }),
            ["system prompt"] = Make(b => b.Options.SystemPrompt = "You are terse."),
            ["retrieved text"] = Make(b => b.UseRetrievalAugmentation(new FixedContextRetriever([Chunk("1", "other text")]))),
            ["repairs"] = Make(b => b.Options.MaxRepairAttempts = 1),
            ["validator"] = Make(b => b.AddOutputValidator(new LlmStrategies.Validation.CitationOutputValidator())),
            ["few-shot"] = Make(b => b.UseFewShot(new LlmStrategies.FewShot.FixedFewShotSelector([Example("e", "i", "o")]))),
            ["instructions"] = Make(b => b.Options.ChatOptions = new ChatOptions { Instructions = "Answer in French." }),
            ["conversation id"] = Make(b => b.Options.ChatOptions = new ChatOptions { ConversationId = "thread-1" }),
            ["reasoning"] = Make(b => b.Options.ChatOptions = new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High } }),
            ["tool mode"] = Make(b => b.Options.ChatOptions = new ChatOptions { ToolMode = ChatToolMode.RequireSpecific("lookup") }),
            ["tools"] = Make(b => b.Options.ChatOptions = new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => city, "lookup", "Looks a city up.")] }),
            ["additional properties"] = Make(b => b.Options.ChatOptions = new ChatOptions { AdditionalProperties = new() { ["service_tier"] = "flex" } }),
            ["stop sequences"] = Make(b => b.Options.ChatOptions = new ChatOptions { StopSequences = ["\n\n"] }),
            ["multiple tool calls"] = Make(b => b.Options.ChatOptions = new ChatOptions { AllowMultipleToolCalls = false }),
        };

        Assert.Multiple(() =>
        {
            foreach (var (what, fingerprint) in variants)
            {
                Assert.That(fingerprint, Is.Not.EqualTo(baseline), what);
            }

            Assert.That(variants.Values.Distinct().Count(), Is.EqualTo(variants.Count));
        });
    }

    [Test]
    public void Build_CopiesTheOptions_SoLaterChangesDoNotAffectBuiltPipelines()
    {
        var builder = new StrategyPipelineBuilder("p", TestChatClient.Answering("x"));
        var first = builder.Build();
        builder.Options.SystemPrompt = "changed";
        var second = builder.Build();

        Assert.That(second.Fingerprint, Is.Not.EqualTo(first.Fingerprint));
    }

    [Test]
    public void DefaultsPassedToTheBuilder_AreCopied()
    {
        var defaults = new StrategyPipelineOptions { MaxRepairAttempts = 4, SystemPrompt = "S", ChatOptions = new ChatOptions { Temperature = 0 } };
        var builder = new StrategyPipelineBuilder("p", TestChatClient.Answering("x"), defaults);
        defaults.SystemPrompt = "changed";

        Assert.Multiple(() =>
        {
            Assert.That(builder.Options.MaxRepairAttempts, Is.EqualTo(4));
            Assert.That(builder.Options.SystemPrompt, Is.EqualTo("S"));
            Assert.That(builder.Options.ChatOptions, Is.Not.SameAs(defaults.ChatOptions));
        });
    }

    [Test]
    public void Fingerprint_DiffersForEveryValueOfAnOption_NotOnlyForItsPresence()
    {
        static StrategyFingerprint With(ChatOptions options) =>
            new StrategyPipelineBuilder("p", TestChatClient.Answering("x")).Configure(o => o.ChatOptions = options).Build().Fingerprint;

        Assert.Multiple(() =>
        {
            Assert.That(With(new ChatOptions { Instructions = "Answer in English." }), Is.Not.EqualTo(With(new ChatOptions { Instructions = "Answer in French." })));
            Assert.That(With(new ChatOptions { AdditionalProperties = new() { ["tier"] = "flex", ["n"] = 2 } }), Is.EqualTo(With(new ChatOptions { AdditionalProperties = new() { ["n"] = 2, ["tier"] = "flex" } })), "canonical: key order does not matter");
            Assert.That(With(new ChatOptions { AdditionalProperties = new() { ["n"] = 2 } }), Is.Not.EqualTo(With(new ChatOptions { AdditionalProperties = new() { ["n"] = 3 } })));
            Assert.That(
                With(new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => city, "lookup", "Looks a city up.")] }),
                Is.Not.EqualTo(With(new ChatOptions { Tools = [AIFunctionFactory.Create((string city, int days) => city, "lookup", "Looks a city up.")] })),
                "the tool's parameter schema");
        });
    }

    [Test]
    public void OptionsThatCannotBeFingerprinted_AreRefusedWithTheFix_NotIgnored()
    {
        var unserialisable = new StrategyPipelineBuilder("p", TestChatClient.Answering("x"))
            .Configure(o => o.ChatOptions = new ChatOptions { AdditionalProperties = new() { ["callback"] = new Action(() => { }) } });
        var raw = new StrategyPipelineBuilder("p", TestChatClient.Answering("x"))
            .Configure(o => o.ChatOptions = new ChatOptions { RawRepresentationFactory = _ => null });

        Assert.Multiple(() =>
        {
            Assert.That(() => unserialisable.Build(), Throws.InvalidOperationException.With.Message.Contains("'callback'").And.Message.Contains("JSON-serialisable"));
            Assert.That(() => raw.Build(), Throws.InvalidOperationException.With.Message.Contains("RawRepresentationFactory").And.Message.Contains("strategy 'p'"));
        });
    }
}
