using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Pipeline;
using LlmStrategies.Retrieval.Vector;
using LlmStrategies.Tests.TestDoubles;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Tests.Experiments;

/// <summary>
/// Issue 14, items 1, 2 and 4: a cached answer is only ever reused for the same strategy (every answer-affecting setting
/// and the content it retrieves from, as it is at run time), the same item and the same sample.
/// </summary>
public class ExperimentCacheIsolationTests
{
    private static EvaluationDataset Items(params (string Id, string Input)[] items) =>
        new("d", items.Select(i => new EvaluationItem { Id = i.Id, Input = i.Input, ExpectedOutputs = ["x"] }));

    /// <summary>A chat client that answers with a running number, so a reused answer is recognisable.</summary>
    private static TestChatClient Counting(Func<int> next) => new()
    {
        GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"answer {next()}"))),
    };

    [Test]
    public async Task TwoItemsWithTheSameText_GetTheirOwnAnswers_AndKeepThemOnAFullyCachedRerun()
    {
        var calls = 0;
        var pipeline = new StrategyPipelineBuilder("p", Counting(() => ++calls)).Build();
        var dataset = Items(("q1", "What is it called?"), ("q2", "What is it called?"));
        var cache = new MemoryResponseCache();

        var first = await new ExperimentRunner(cache: cache).RunAsync([pipeline], dataset, []);
        var callsAfterFirst = calls;
        var second = await new ExperimentRunner(cache: cache).RunAsync([pipeline], dataset, []);

        Assert.Multiple(() =>
        {
            Assert.That(callsAfterFirst, Is.EqualTo(2), "one call per item, though the text repeats");
            Assert.That(calls, Is.EqualTo(2), "the rerun is answered from the cache");
            Assert.That(first.Records.Select(r => r.Response!.Answer).Distinct().Count(), Is.EqualTo(2));
            Assert.That(second.Records.Select(r => (r.ItemId, r.Response!.Answer)), Is.EqualTo(first.Records.Select(r => (r.ItemId, r.Response!.Answer))));
        });
    }

    [Test]
    public async Task EachSampleOfASamplingModel_IsStoredApart()
    {
        var calls = 0;
        var pipeline = new StrategyPipelineBuilder("p", Counting(() => ++calls)).Build();
        var cache = new MemoryResponseCache();
        var options = new ExperimentOptions { Repeats = 3 };

        var first = await new ExperimentRunner(options, cache: cache).RunAsync([pipeline], Items(("q1", "Q")), []);
        var second = await new ExperimentRunner(options, cache: cache).RunAsync([pipeline], Items(("q1", "Q")), []);

        Assert.Multiple(() =>
        {
            Assert.That(calls, Is.EqualTo(3));
            Assert.That(first.Records.Select(r => r.Response!.Answer).Distinct().Count(), Is.EqualTo(3), "three samples, not one merged");
            Assert.That(second.Records.OrderBy(r => r.Repeat).Select(r => r.Response!.Answer), Is.EqualTo(first.Records.OrderBy(r => r.Repeat).Select(r => r.Response!.Answer)));
        });
    }

    [Test]
    public async Task PipelinesDifferingOnlyInTheirInstructions_ShareNoCachedAnswer()
    {
        var calls = 0;
        var model = Counting(() => ++calls);
        var english = new StrategyPipelineBuilder("english", model).Configure(o => o.ChatOptions = new ChatOptions { Instructions = "Answer in English." }).Build();
        var french = new StrategyPipelineBuilder("french", model).Configure(o => o.ChatOptions = new ChatOptions { Instructions = "Answer in French." }).Build();
        var cache = new MemoryResponseCache();

        await new ExperimentRunner(cache: cache).RunAsync([english], Items(("q1", "Q")), []);
        await new ExperimentRunner(cache: cache).RunAsync([french], Items(("q1", "Q")), []);

        Assert.That(calls, Is.EqualTo(2), "the second strategy must call the model, not reuse the first one's answer");
    }

    [Test]
    public async Task ACorpusChangedAfterThePipelineWasBuilt_IsNeverAnsweredFromTheCache()
    {
        var calls = 0;
        using var retriever = new VectorRetriever(new HashingEmbeddingGenerator());
        await retriever.AddAsync([new TextChunk { Id = "a", SourceId = "a", Text = "The warranty lasts one year." }]);
        var pipeline = new StrategyPipelineBuilder("rag", Counting(() => ++calls)).UseRetrievalAugmentation(retriever, 1).Build();
        var cache = new MemoryResponseCache();
        var dataset = Items(("q1", "How long is the warranty?"));
        var before = pipeline.Fingerprint;

        await new ExperimentRunner(cache: cache).RunAsync([pipeline], dataset, []);
        await retriever.AddAsync([new TextChunk { Id = "b", SourceId = "b", Text = "Since 2024 the warranty lasts two years." }]);
        var rerun = await new ExperimentRunner(cache: cache).RunAsync([pipeline], dataset, []);

        Assert.Multiple(() =>
        {
            Assert.That(pipeline.Fingerprint, Is.Not.EqualTo(before), "the fingerprint follows the index");
            Assert.That(calls, Is.EqualTo(2), "the changed corpus is answered again");
            Assert.That(rerun.Records.Single().FromCache, Is.False);
            Assert.That(rerun.Records.Single().Fingerprint, Is.EqualTo(pipeline.Fingerprint.Value));
        });
    }

    private sealed class MemoryResponseCache : IResponseCache
    {
        private readonly Dictionary<string, RecordedResponse> _responses = new(StringComparer.Ordinal);

        public ValueTask<RecordedResponse?> GetAsync(string key, CancellationToken cancellationToken = default)
        {
            lock (_responses)
            {
                return ValueTask.FromResult(_responses.GetValueOrDefault(key));
            }
        }

        public ValueTask SetAsync(string key, RecordedResponse response, CancellationToken cancellationToken = default)
        {
            lock (_responses)
            {
                _responses[key] = response;
            }

            return ValueTask.CompletedTask;
        }
    }
}
