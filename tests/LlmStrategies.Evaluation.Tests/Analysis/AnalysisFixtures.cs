using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Analysis;
using LlmStrategies.Experiments;

namespace LlmStrategies.Tests.Evaluation.Analysis;

/// <summary>Builds constructed datasets and finished runs whose analysis is known by hand.</summary>
internal static class AnalysisFixtures
{
    public const string Metric = ContainsEvaluator.MetricName;

    public static EvaluationItem Item(string id, string input, string gold, string? passage = null, Dictionary<string, string>? metadata = null) => new()
    {
        Id = id,
        Input = input,
        ExpectedOutputs = [gold],
        Metadata = metadata ?? [],
        RelevantDocuments = passage is null ? new Dictionary<string, double>() : new Dictionary<string, double> { [passage] = 1 },
    };

    public static SourceDocument Document(string id, string text) => new() { Id = id, Text = text };

    /// <summary>One record of a strategy on an item: binary "Contains Answer" plus MRR computed from the sources.</summary>
    public static RunRecord Record(string strategy, EvaluationItem item, string? answer, IReadOnlyList<string> sources, double? score, bool binary = true)
    {
        var relevant = item.RelevantDocuments.Where(r => r.Value > 0).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        var metrics = new List<MetricValue> { new() { Name = Metric, Value = score, IsBinary = binary } };
        if (relevant.Count > 0)
        {
            metrics.Add(new MetricValue { Name = new RetrievalEvaluator(k: 5).ReciprocalRankMetricName, Value = RetrievalMetrics.ReciprocalRank(sources, relevant, k: 5) });
        }

        return new RunRecord
        {
            StrategyName = strategy,
            Fingerprint = "fp-" + strategy,
            ItemId = item.Id,
            Response = new RecordedResponse { Outcome = StrategyOutcome.Answered, Answer = answer, SourceIds = sources },
            Metrics = metrics,
        };
    }

    public static ExperimentRun Run(EvaluationDataset test, IReadOnlyList<string> strategies, IEnumerable<RunRecord> records) => new()
    {
        Name = "constructed",
        DatasetName = test.Name,
        DatasetFingerprint = test.Fingerprint,
        Strategies = strategies.Select(s => new StrategyInfo { Name = s, Fingerprint = "fp-" + s }).ToArray(),
        ItemIds = test.Items.Select(i => i.Id).ToArray(),
        Records = records.ToArray(),
        Prices = new PriceTable(),
    };

    /// <summary>
    /// A RAG test set with known attribution: rag answers q1 right with the gold passage in context, misses q2's passage,
    /// has q3's passage but answers wrong, misses q4 whose answer is in no document, and answers q5 right from another document.
    /// prompt-only answers only q1 right.
    /// </summary>
    public static (EvaluationDataset Dataset, ExperimentRun Run) Attribution()
    {
        var corpus = new[]
        {
            Document("d1", "The sky over the harbour is blue on clear days."),
            Document("d2", "Fresh grass in the park is green in spring."),
            Document("d3", "The museum opens at nine in the morning."),
            Document("d4", "The river that crosses the city is called the Vantor."),
            Document("d5", "The old castle has three towers and a moat."),
            Document("d6", "Visitors say the castle flag is red and the bridge is grey."),
        };
        var items = new[]
        {
            Item("q1", "What colour is the sky?", "blue", "d1"),
            Item("q2", "What colour is the grass?", "green", "d2"),
            Item("q3", "What is the river called?", "Vantor", "d4"),
            Item("q4", "What colour is the castle gate?", "purple", "d5"),
            Item("q5", "What colour is the bridge?", "grey", "d3"),
        };
        var dataset = new EvaluationDataset("constructed-rag", items, corpus);
        var records = new[]
        {
            Record("prompt-only", items[0], "blue", [], 1),
            Record("prompt-only", items[1], "I cannot answer that", [], 0),
            Record("prompt-only", items[2], "I cannot answer that", [], 0),
            Record("prompt-only", items[3], "I cannot answer that", [], 0),
            Record("prompt-only", items[4], "I cannot answer that", [], 0),
            Record("rag", items[0], "It is blue.", ["d1", "d3"], 1),
            Record("rag", items[1], "It opens at nine.", ["d3", "d5"], 0),
            Record("rag", items[2], "It crosses the city.", ["d4"], 0),
            Record("rag", items[3], "It has three towers.", ["d6", "d3"], 0),
            Record("rag", items[4], "The bridge is grey.", ["d6"], 1),
        };
        return (dataset, Run(dataset, ["prompt-only", "rag"], records));
    }
}
