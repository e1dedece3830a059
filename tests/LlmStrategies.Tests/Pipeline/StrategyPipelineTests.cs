using LlmStrategies.Baseline;
using LlmStrategies.Pipeline;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using static LlmStrategies.Tests.TestDoubles.Samples;

namespace LlmStrategies.Tests.Pipeline;

public class StrategyPipelineTests
{
    private static readonly RetrievedChunk[] Manual =
    [
        Chunk("1", "The X200 router ships with a two-year warranty. Returns are accepted within 30 days.", 3.1, "manual"),
        Chunk("2", "Firmware updates are released every quarter. The admin password is printed on the label.", 2.5, "faq"),
    ];

    [Test]
    public async Task RunsEveryStage_AndReturnsWhatEachProduced()
    {
        var selector = TestFewShotSelector.Returning(Example("e1", "How heavy is the X100?", "It weighs 300 g [1]."));
        var pipeline = new StrategyPipelineBuilder("rag", new ExtractiveBaselineChatClient())
            .Configure(o => o.Instructions = "Answer briefly.")
            .UseFewShot(selector, count: 1)
            .UseRetrievalAugmentation(TestRetriever.Returning(Manual), top: 2)
            .Build();

        var result = await pipeline.RunAsync(new StrategyRequest("How long is the warranty on the X200 router?") { Id = "q1" });

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(StrategyOutcome.Answered));
            Assert.That(result.Answer, Is.EqualTo("The X200 router ships with a two-year warranty. [1]"));
            Assert.That(result.StrategyName, Is.EqualTo("rag"));
            Assert.That(result.Fingerprint, Is.EqualTo(pipeline.Fingerprint));
            Assert.That(result.Request.Id, Is.EqualTo("q1"));
            Assert.That(result.Sources.Select(s => s.SourceId), Is.EqualTo(new[] { "manual", "faq" }));
            Assert.That(result.Examples.Select(e => e.Id), Is.EqualTo(new[] { "e1" }));
            Assert.That(result.Prompt!.Messages[0].Text, Is.EqualTo("Answer briefly."));
            Assert.That(result.Prompt.Messages[^1].Text, Does.Contain("[1] (source: manual)").And.EndWith("Question: How long is the warranty on the X200 router?"));
            Assert.That(result.SentMessages, Is.EqualTo(result.Prompt.Messages));
            Assert.That(result.Usage.InputTokenCount, Is.GreaterThan(0));
            Assert.That(result.Usage.OutputTokenCount, Is.GreaterThan(0));
            Assert.That(result.ModelId, Is.EqualTo(ExtractiveBaselineChatClient.ModelIdentifier));
            Assert.That(result.OutputValidation!.IsValid, Is.True);
            Assert.That(result.RepairAttempts, Is.Zero);
            Assert.That(result.Timings.Select(t => t.Stage), Is.EquivalentTo(new[]
            {
                PipelineStage.InputValidation, PipelineStage.Filtering, PipelineStage.FewShotSelection, PipelineStage.Retrieval,
                PipelineStage.PromptBuilding, PipelineStage.ModelCall, PipelineStage.OutputValidation,
            }));
            Assert.That(result.Timings.Take(2).Select(t => t.Stage), Is.EqualTo(new[] { PipelineStage.InputValidation, PipelineStage.Filtering }));
            Assert.That(result.Timings.TakeLast(3).Select(t => t.Stage), Is.EqualTo(new[] { PipelineStage.PromptBuilding, PipelineStage.ModelCall, PipelineStage.OutputValidation }));
        });
    }

    [Test]
    public async Task PassesTheRequestFilterAndCountsToTheComponents()
    {
        var retriever = TestRetriever.Returning(Manual);
        var selector = TestFewShotSelector.Returning();
        var filter = MetadataFilter.Where("product", "x200");
        var pipeline = new StrategyPipelineBuilder("p", TestChatClient.Answering("a"))
            .UseRetrievalAugmentation(retriever, top: 4)
            .UseFewShot(selector, count: 2)
            .Build();

        await pipeline.RunAsync(new StrategyRequest("warranty?") { Filter = filter });

        Assert.Multiple(() =>
        {
            Assert.That(retriever.Requests.Single().Top, Is.EqualTo(4));
            Assert.That(retriever.Requests.Single().Filter, Is.SameAs(filter));
            Assert.That(retriever.Requests.Single().Query, Is.EqualTo("warranty?"));
            Assert.That(selector.Requests.Single().Count, Is.EqualTo(2));
            Assert.That(selector.Requests.Single().Filter, Is.SameAs(filter));
        });
    }

    [Test]
    public void NullRequestOrQuestion_ThrowsArgumentNullException()
    {
        var pipeline = new StrategyPipelineBuilder("p", TestChatClient.Answering("a")).Build();

        Assert.Multiple(() =>
        {
            Assert.That(() => pipeline.RunAsync(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("request"));
            Assert.That(() => new StrategyRequest(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("question"));
        });
    }

    [TestCase("")]
    [TestCase("   \t\n")]
    public async Task EmptyQuestion_IsRejectedWithoutCallingTheModel(string question)
    {
        var client = TestChatClient.Answering("a");
        var pipeline = new StrategyPipelineBuilder("p", client).Build();

        var result = await pipeline.RunAsync(new StrategyRequest(question));

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(StrategyOutcome.InputRejected));
            Assert.That(result.Answer, Is.Null);
            Assert.That(result.InputValidation.Errors.Single().Message, Does.Contain("empty"));
            Assert.That(result.Prompt, Is.Null);
            Assert.That(result.Response, Is.Null);
            Assert.That(client.Calls, Is.Empty);
        });
    }

    [Test]
    public async Task OverLongQuestion_IsRejectedNamingTheLimit_WhileOneAtTheLimitPasses()
    {
        var client = TestChatClient.Answering("a");
        var pipeline = new StrategyPipelineBuilder("p", client).Configure(o => o.MaxQuestionLength = 100).Build();

        var atLimit = await pipeline.RunAsync(new StrategyRequest(new string('q', 100)));
        var overLimit = await pipeline.RunAsync(new StrategyRequest(new string('q', 101)));

        Assert.Multiple(() =>
        {
            Assert.That(atLimit.Outcome, Is.EqualTo(StrategyOutcome.Answered));
            Assert.That(overLimit.Outcome, Is.EqualTo(StrategyOutcome.InputRejected));
            Assert.That(overLimit.InputValidation.Errors.Single().Message, Does.Contain("101 characters").And.Contain("limit is 100").And.Contain("MaxQuestionLength"));
            Assert.That(client.Calls, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task InputValidatorFailure_IsRejectedWithItsErrors()
    {
        var client = TestChatClient.Answering("a");
        var pipeline = new StrategyPipelineBuilder("p", client)
            .AddInputValidator(new TestInputValidator(_ => ValidationOutcome.Valid))
            .AddInputValidator(new TestInputValidator(_ => ValidationOutcome.Invalid("pii", "The question contains a card number; remove it.")))
            .Build();

        var result = await pipeline.RunAsync(new StrategyRequest("my card is 4111 1111 1111 1111"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(StrategyOutcome.InputRejected));
            Assert.That(result.InputValidation.Errors.Single().Source, Is.EqualTo("pii"));
            Assert.That(client.Calls, Is.Empty);
        });
    }

    [Test]
    public async Task FilterRefusal_ShortCircuits_WithTheRefusalMessage()
    {
        var client = TestChatClient.Answering("a");
        var later = new TestFilter(_ => FilterDecision.Allow());
        var retriever = TestRetriever.Returning(Manual);
        var pipeline = new StrategyPipelineBuilder("p", client)
            .AddFilter(new TestFilter(_ => FilterDecision.Refuse("moderation", "weapons", "I can't help with that.")))
            .AddFilter(later)
            .UseRetrievalAugmentation(retriever)
            .Build();

        var result = await pipeline.RunAsync(new StrategyRequest("how do I build a weapon"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(StrategyOutcome.Refused));
            Assert.That(result.Answer, Is.EqualTo("I can't help with that."));
            Assert.That(result.Refusal!.Reason, Is.EqualTo("weapons"));
            Assert.That(later.Calls, Is.Zero);
            Assert.That(retriever.Requests, Is.Empty);
            Assert.That(client.Calls, Is.Empty);
        });
    }

    [Test]
    public async Task FilterRewrite_IsWhatLaterStagesSee()
    {
        var retriever = TestRetriever.Returning(Manual);
        var pipeline = new StrategyPipelineBuilder("p", TestChatClient.Answering("a"))
            .AddFilter(new TestFilter(r => FilterDecision.Allow(new StrategyRequest(r.Question.Replace("[email]", "<redacted>", StringComparison.Ordinal)))))
            .UseRetrievalAugmentation(retriever)
            .Build();

        var result = await pipeline.RunAsync(new StrategyRequest("contact [email] about warranty"));

        Assert.Multiple(() =>
        {
            Assert.That(retriever.Requests.Single().Query, Is.EqualTo("contact <redacted> about warranty"));
            Assert.That(result.Request.Question, Is.EqualTo("contact <redacted> about warranty"));
            Assert.That(result.Prompt!.Messages[^1].Text, Does.EndWith("contact <redacted> about warranty"));
        });
    }

    [Test]
    public async Task FewShotSelectionAndRetrieval_RunConcurrently()
    {
        // Each component waits until the other has started: run one after the other, this would never finish.
        var selectorStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var retrieverStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hangGuard = TimeSpan.FromSeconds(30);
        var selector = new TestFewShotSelector(async (_, ct) =>
        {
            selectorStarted.SetResult();
            await retrieverStarted.Task.WaitAsync(hangGuard, ct);
            return [Example("e", "in", "out")];
        });
        var retriever = new TestRetriever(async (_, ct) =>
        {
            retrieverStarted.SetResult();
            await selectorStarted.Task.WaitAsync(hangGuard, ct);
            return Manual;
        });
        var pipeline = new StrategyPipelineBuilder("p", TestChatClient.Answering("a")).UseFewShot(selector).UseRetrievalAugmentation(retriever).Build();

        var result = await pipeline.RunAsync(new StrategyRequest("q"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(StrategyOutcome.Answered));
            Assert.That(result.Examples, Has.Count.EqualTo(1));
            Assert.That(result.Sources, Has.Count.EqualTo(2));
        });
    }

    [Test]
    public async Task InvalidAnswer_IsRepaired_WithTheErrorsShownToTheModel()
    {
        var client = TestChatClient.Answering("no citation", "fixed [1]");
        var validator = new TestOutputValidator(c => c.Answer.Contains("[1]", StringComparison.Ordinal)
            ? ValidationOutcome.Valid
            : ValidationOutcome.Invalid("citations", "Cite the passage you used, like [1]."));
        var pipeline = new StrategyPipelineBuilder("p", client).AddOutputValidator(validator).Build();

        var result = await pipeline.RunAsync(new StrategyRequest("q"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(StrategyOutcome.Answered));
            Assert.That(result.Answer, Is.EqualTo("fixed [1]"));
            Assert.That(result.RepairAttempts, Is.EqualTo(1));
            Assert.That(client.Calls, Has.Count.EqualTo(2));
            var repair = client.Calls[1];
            Assert.That(repair[^2].Role, Is.EqualTo(ChatRole.Assistant));
            Assert.That(repair[^2].Text, Is.EqualTo("no citation"));
            Assert.That(repair[^1].Role, Is.EqualTo(ChatRole.User));
            Assert.That(repair[^1].Text, Does.StartWith("Your previous answer did not pass validation").And.Contain("- Cite the passage you used, like [1]."));
            Assert.That(result.SentMessages, Is.EqualTo(repair));
            Assert.That(validator.Contexts.Select(c => c.Attempt), Is.EqualTo(new[] { 0, 1 }));
            Assert.That(result.Usage.InputTokenCount, Is.EqualTo(20), "usage is summed over both calls");
            Assert.That(result.Usage.CachedInputTokenCount, Is.EqualTo(8));
            Assert.That(result.Timings.Where(t => t.Stage == PipelineStage.ModelCall).Select(t => t.Attempt), Is.EqualTo(new[] { 0, 1 }));
        });
    }

    [Test]
    public async Task AnswerThatNeverValidates_IsRejectedAfterTheBoundedAttempts_KeepingTheLastAnswer()
    {
        var client = TestChatClient.Answering("bad 1", "bad 2", "bad 3", "bad 4");
        var pipeline = new StrategyPipelineBuilder("p", client)
            .Configure(o => o.MaxRepairAttempts = 2)
            .AddOutputValidator(new TestOutputValidator(_ => ValidationOutcome.Invalid("json", "Return a JSON object.")))
            .Build();

        var result = await pipeline.RunAsync(new StrategyRequest("q"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(StrategyOutcome.OutputRejected));
            Assert.That(result.Answer, Is.EqualTo("bad 3"));
            Assert.That(result.RepairAttempts, Is.EqualTo(2));
            Assert.That(client.Calls, Has.Count.EqualTo(3));
            Assert.That(result.OutputValidation!.Errors.Single().Source, Is.EqualTo("json"));
        });
    }

    [Test]
    public async Task ZeroRepairAttempts_RejectsAtOnce()
    {
        var client = TestChatClient.Answering("bad");
        var pipeline = new StrategyPipelineBuilder("p", client)
            .Configure(o => o.MaxRepairAttempts = 0)
            .AddOutputValidator(new TestOutputValidator(_ => ValidationOutcome.Invalid("v", "no")))
            .Build();

        var result = await pipeline.RunAsync(new StrategyRequest("q"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(StrategyOutcome.OutputRejected));
            Assert.That(client.Calls, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void CancelledToken_ThrowsOperationCanceled_WithoutCallingTheModel()
    {
        var client = TestChatClient.Answering("a");
        var pipeline = new StrategyPipelineBuilder("p", client).Build();
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Multiple(() =>
        {
            Assert.That(() => pipeline.RunAsync(new StrategyRequest("q"), cts.Token), Throws.InstanceOf<OperationCanceledException>());
            Assert.That(client.Calls, Is.Empty);
        });
    }

    [Test]
    public void CancellationDuringTheModelCall_SurfacesAsOperationCanceled_NotAsAFailure()
    {
        using var cts = new CancellationTokenSource();
        var client = new TestChatClient
        {
            GetResponseAsyncCallback = async (_, _, ct) =>
            {
                await cts.CancelAsync();
                await Task.Delay(Timeout.Infinite, ct);
                throw new AssertionException("unreachable");
            },
        };
        var pipeline = new StrategyPipelineBuilder("p", client).Build();

        Assert.That(() => pipeline.RunAsync(new StrategyRequest("q"), cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void ModelException_IsReportedAsAStrategyExecutionException_NamingTheStage()
    {
        var failure = new HttpRequestException("503 Service Unavailable");
        var client = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => throw failure };
        var pipeline = new StrategyPipelineBuilder("rag", client).Build();

        var ex = Assert.ThrowsAsync<StrategyExecutionException>(() => pipeline.RunAsync(new StrategyRequest("q")));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Stage, Is.EqualTo(PipelineStage.ModelCall));
            Assert.That(ex.StrategyName, Is.EqualTo("rag"));
            Assert.That(ex.InnerException, Is.SameAs(failure));
            Assert.That(ex.Message, Is.EqualTo("Strategy 'rag' failed in stage ModelCall: 503 Service Unavailable"));
        });
    }

    [Test]
    public void ComponentTimeout_WithoutCallerCancellation_IsAFailureNotACancellation()
    {
        var client = new TestChatClient { GetResponseAsyncCallback = (_, _, _) => throw new TaskCanceledException("HttpClient.Timeout of 100 seconds elapsed") };
        var pipeline = new StrategyPipelineBuilder("p", client).Build();

        var ex = Assert.ThrowsAsync<StrategyExecutionException>(() => pipeline.RunAsync(new StrategyRequest("q")));

        Assert.That(ex!.InnerException, Is.TypeOf<TaskCanceledException>());
    }

    [Test]
    public void RetrieverException_NamesTheRetrievalStage()
    {
        var retriever = new TestRetriever((_, _) => throw new InvalidOperationException("index file is corrupt"));
        var pipeline = new StrategyPipelineBuilder("p", TestChatClient.Answering("a"))
            .UseFewShot(TestFewShotSelector.Returning())
            .UseRetrievalAugmentation(retriever)
            .Build();

        var ex = Assert.ThrowsAsync<StrategyExecutionException>(() => pipeline.RunAsync(new StrategyRequest("q")));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Stage, Is.EqualTo(PipelineStage.Retrieval));
            Assert.That(ex.InnerException!.Message, Is.EqualTo("index file is corrupt"));
        });
    }

    [Test]
    public void ComponentReturningNull_IsAFailureThatSaysWhatToReturnInstead()
    {
        var retriever = new TestRetriever((_, _) => ValueTask.FromResult<IReadOnlyList<RetrievedChunk>>(null!));
        var pipeline = new StrategyPipelineBuilder("p", TestChatClient.Answering("a")).UseRetrievalAugmentation(retriever).Build();

        var ex = Assert.ThrowsAsync<StrategyExecutionException>(() => pipeline.RunAsync(new StrategyRequest("q")));

        Assert.That(ex!.InnerException!.Message, Does.Contain("returned null").And.Contain("empty list"));
    }

    [Test]
    public void OutputValidatorException_NamesTheOutputValidationStage()
    {
        var pipeline = new StrategyPipelineBuilder("p", TestChatClient.Answering("a"))
            .AddOutputValidator(new TestOutputValidator(_ => throw new FormatException("schema unreadable")))
            .Build();

        var ex = Assert.ThrowsAsync<StrategyExecutionException>(() => pipeline.RunAsync(new StrategyRequest("q")));

        Assert.That(ex!.Stage, Is.EqualTo(PipelineStage.OutputValidation));
    }

    [Test]
    public async Task StageLatencies_AreMeasuredWithTheInjectedClock()
    {
        var time = new FakeTimeProvider();
        var client = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) =>
            {
                time.Advance(TimeSpan.FromMilliseconds(250));
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "a")));
            },
        };
        var retriever = new TestRetriever((_, _) =>
        {
            time.Advance(TimeSpan.FromMilliseconds(40));
            return ValueTask.FromResult<IReadOnlyList<RetrievedChunk>>(Manual);
        });
        var pipeline = new StrategyPipelineBuilder("p", client).UseRetrievalAugmentation(retriever).UseTimeProvider(time).Build();

        var result = await pipeline.RunAsync(new StrategyRequest("q"));

        Assert.Multiple(() =>
        {
            Assert.That(result.Timings.Single(t => t.Stage == PipelineStage.ModelCall).Elapsed, Is.EqualTo(TimeSpan.FromMilliseconds(250)));
            Assert.That(result.Timings.Single(t => t.Stage == PipelineStage.Retrieval).Elapsed, Is.EqualTo(TimeSpan.FromMilliseconds(40)));
            Assert.That(result.Timings.Single(t => t.Stage == PipelineStage.PromptBuilding).Elapsed, Is.EqualTo(TimeSpan.Zero));
            Assert.That(result.Elapsed, Is.EqualTo(TimeSpan.FromMilliseconds(290)));
        });
    }

    [Test]
    public async Task ChatOptions_AreSentAsACopy()
    {
        var client = TestChatClient.Answering("a");
        var options = new ChatOptions { Temperature = 0.1f, ModelId = "gpt-x" };
        var pipeline = new StrategyPipelineBuilder("p", client).Configure(o => o.ChatOptions = options).Build();

        var result = await pipeline.RunAsync(new StrategyRequest("q"));

        Assert.Multiple(() =>
        {
            Assert.That(client.Options.Single()!.Temperature, Is.EqualTo(0.1f));
            Assert.That(client.Options.Single(), Is.Not.SameAs(options));
            Assert.That(result.ModelId, Is.EqualTo("test-model-2025"), "the model id the response reports wins");
        });
    }

    [Test]
    public async Task Conversation_IsPlacedBeforeTheQuestion()
    {
        var client = TestChatClient.Answering("a");
        var pipeline = new StrategyPipelineBuilder("p", client).Build();
        var history = new[] { new ChatMessage(ChatRole.User, "Hi"), new ChatMessage(ChatRole.Assistant, "Hello!") };

        await pipeline.RunAsync(new StrategyRequest("And the warranty?") { Conversation = history });

        Assert.That(client.Calls.Single().Select(m => m.Text), Is.EqualTo(new[] { "Hi", "Hello!", "And the warranty?" }));
    }

    [Test]
    public async Task ServesConcurrentRequests_Independently()
    {
        var pipeline = new StrategyPipelineBuilder("p", new ExtractiveBaselineChatClient())
            .UseRetrievalAugmentation(TestRetriever.Returning(Manual))
            .Build();

        var questions = Enumerable.Range(0, 64).Select(i => i % 2 == 0 ? "How long is the warranty?" : "How often is firmware released?").ToArray();
        var results = await Task.WhenAll(questions.Select(q => Task.Run(() => pipeline.RunAsync(new StrategyRequest(q)))));

        Assert.That(results.Select(r => r.Answer), Is.EqualTo(questions.Select(q => q.Contains("warranty", StringComparison.Ordinal)
            ? "The X200 router ships with a two-year warranty. [1]"
            : "Firmware updates are released every quarter. [2]")));
    }
}
