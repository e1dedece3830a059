using System.Globalization;
using LlmStrategies.Evaluation;
using LlmStrategies.Retrieval.Hybrid;
using LlmStrategies.Tests.TestDoubles;
using LlmStrategies.Tuning;

namespace LlmStrategies.Tests.Tuning.Fusion;

public class HybridFusionTunerTests
{
    /// <summary>Queries "query i" whose one relevant document is "d{i}".</summary>
    private static EvaluationDataset Queries(string name, int from, int count) =>
        new(name, Enumerable.Range(from, count).Select(i => new EvaluationItem
        {
            Id = string.Create(CultureInfo.InvariantCulture, $"q{i}"),
            Input = string.Create(CultureInfo.InvariantCulture, $"query {i}"),
            RelevantDocuments = new Dictionary<string, double> { [$"d{i}"] = 1 },
        }));

    /// <summary>
    /// A retriever that ranks the relevant document first for the queries <paramref name="strong"/> accepts and eighth
    /// otherwise, among distractors of its own; scores on its own scale.
    /// </summary>
    private static TestRetriever Retriever(string tag, Func<int, bool> strong, double scale) => new((request, _) =>
    {
        var i = int.Parse(request.Query[6..], CultureInfo.InvariantCulture);
        var relevantRank = strong(i) ? 0 : 7;
        var list = new List<RetrievedChunk>();
        for (var rank = 0; rank < Math.Min(request.Top, 30); rank++)
        {
            var doc = rank == relevantRank ? $"d{i}" : $"{tag}-x{i}-{rank}";
            list.Add(new RetrievedChunk { ChunkId = "c-" + doc, SourceId = doc, Text = doc, Score = scale * (30 - rank) });
        }

        return ValueTask.FromResult<IReadOnlyList<RetrievedChunk>>(list);
    });

    private static (HybridRetriever Hybrid, TestRetriever A, TestRetriever B) Hybrid()
    {
        var a = Retriever("a", i => i % 3 != 0, 1);
        var b = Retriever("b", i => i % 3 == 0, 0.01);
        return (new HybridRetriever([new(a, 1, "keyword"), new(b, 3, "vector")], new HybridRetrieverOptions { Method = FusionMethod.ReciprocalRank }), a, b);
    }

    [Test]
    public async Task TheChoiceIsScoredThroughHybridRetrieverItself_FromOneFetchPerQuery()
    {
        var (hybrid, a, b) = Hybrid();
        var train = Queries("train", 0, 60);

        var tuning = await new HybridFusionTuner().TuneAsync(hybrid, train);

        // Rescore the tuned retriever against the real retrievers: the tuner's figure must be what the deployed retriever does.
        var direct = new List<double>();
        foreach (var item in train.Items)
        {
            var results = await tuning.Retriever.RetrieveAsync(new RetrievalRequest(item.Input, 10));
            direct.Add(RetrievalMetrics.NdcgAt(results.Select(r => r.SourceId).ToArray(), item.RelevantDocuments, 10));
        }

        Assert.Multiple(() =>
        {
            Assert.That(a.Requests.Take(60).Select(r => (r.Query, r.Top)).Distinct().Count(), Is.EqualTo(60), "each query fetched once");
            Assert.That(a.Requests.Take(60).All(r => r.Top == 50), Is.True, "at the hybrid's depth (CandidatesPerRetriever)");
            Assert.That(tuning.TrainScore, Is.EqualTo(direct.Average()).Within(1e-12));
            Assert.That(tuning.Candidates, Has.Count.EqualTo(3 * 12));
            Assert.That(tuning.Candidates[0].Mean, Is.EqualTo(tuning.TrainScore));
            Assert.That(tuning.TrainScore, Is.GreaterThan(tuning.SingleRetrieverTrainScores.Values.Max()), "fusion helps here: each retriever is strong on different queries");
            Assert.That(tuning.TrainScore, Is.GreaterThanOrEqualTo(tuning.UntunedTrainScore));
            Assert.That(tuning.BestSingleRetriever, Is.EqualTo("keyword"));
            Assert.That(tuning.Weights[0], Is.EqualTo(1.0));
            Assert.That(tuning.Retriever.Retrievers.Select(r => r.Name), Is.EqualTo(new[] { "keyword", "vector" }));
            Assert.That(tuning.Retriever.Options.Method, Is.EqualTo(tuning.Method));
            Assert.That(tuning.MetricName, Is.EqualTo("nDCG@10"));
        });
        _ = b;
    }

    [Test]
    public async Task TheHoldOutReport_ComparesWithEachRetrieverAlone_AndTheDefault_Once()
    {
        var (hybrid, _, _) = Hybrid();
        var tuning = await new HybridFusionTuner(new HybridFusionSearch { Resamples = 500 }).TuneAsync(hybrid, Queries("train", 0, 60));
        var test = Queries("test", 100, 60);

        var report = await tuning.EvaluateOnTestAsync(test);

        Assert.Multiple(() =>
        {
            Assert.That(report.Kind, Is.EqualTo(TuningReport.HybridFusionKind));
            Assert.That(report.Metric, Is.EqualTo("nDCG@10"));
            Assert.That(report.Search.UncachedRuns, Is.Zero);
            Assert.That(report.Selection.Name, Is.EqualTo("train"));
            Assert.That(report.Test.Items, Is.EqualTo(60));
            Assert.That(report.References.Select(r => r.Name), Is.EqualTo(new[] { "keyword alone (best single on train)", "vector alone" }));
            Assert.That(report.References[0].ChosenMinusReference.Items, Is.EqualTo(60));
            Assert.That(report.Chosen.Point["fusion.method"], Is.EqualTo(tuning.Method.ToString()));
            Assert.That(report.Baseline.Point["fusion.method"], Is.EqualTo("ReciprocalRank"));
            Assert.That(report.Baseline.Point["weight.vector"], Is.EqualTo("3"));
            Assert.That(report.WinnersCurse, Is.EqualTo(report.SelectionGain.Difference - report.TestGain.Difference).Within(1e-12));
            Assert.That(tuning.TestEvaluated, Is.True);
        });
        Assert.That(() => tuning.EvaluateOnTestAsync(test), Throws.InvalidOperationException.With.Message.Contains("already evaluated once"));
    }

    [Test]
    public async Task TrainQueries_AreRefusedAsTest_AndQueriesWithoutJudgementsAreSkipped()
    {
        var (hybrid, _, _) = Hybrid();
        var unjudged = new EvaluationItem { Id = "u", Input = "query 7" };
        var train = new EvaluationDataset("train", [.. Queries("train", 0, 30).Items, unjudged]);

        var tuning = await new HybridFusionTuner().TuneAsync(hybrid, train);

        Assert.Multiple(() =>
        {
            Assert.That(tuning.SkippedQueries, Is.EqualTo(1));
            Assert.That(() => tuning.EvaluateOnTestAsync(Queries("train again", 0, 10)), Throws.ArgumentException.With.Message.Contains("was in the tuning data"));
            Assert.That(tuning.TestEvaluated, Is.False);
        });
    }

    [Test]
    public void BadInput_IsRejected()
    {
        var single = new HybridRetriever([new(TestRetriever.Returning())]);
        var (hybrid, _, _) = Hybrid();
        var unjudged = new EvaluationDataset("u", [new EvaluationItem { Id = "u", Input = "query 1" }]);

        Assert.Multiple(() =>
        {
            Assert.That(() => new HybridFusionTuner().TuneAsync(single, Queries("t", 0, 3)), Throws.ArgumentException.With.Message.Contains("at least two retrievers"));
            Assert.That(() => new HybridFusionTuner().TuneAsync(hybrid, unjudged), Throws.ArgumentException.With.Message.Contains("relevance judgements"));
            var search = new HybridFusionSearch();
            search.WeightRatios.Add(-1);
            Assert.That(() => new HybridFusionTuner(search), Throws.ArgumentException.With.Message.Contains("WeightRatios"));
        });
    }
}
