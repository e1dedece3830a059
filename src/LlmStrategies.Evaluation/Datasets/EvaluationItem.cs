namespace LlmStrategies.Evaluation;

/// <summary>One test case: an input, the accepted outputs and, for retrieval, the graded relevant documents.</summary>
public sealed class EvaluationItem
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>(0);
    private static readonly IReadOnlyDictionary<string, double> NoJudgments = new Dictionary<string, double>(0);

    /// <summary>Gets the item's id, unique within its dataset.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the input (the question).</summary>
    public required string Input { get; init; }

    /// <summary>Gets the accepted outputs (gold answers); empty for retrieval-only items.</summary>
    public IReadOnlyList<string> ExpectedOutputs { get; init; } = [];

    /// <summary>Gets an optional class label, used to stratify splits.</summary>
    public string? Label { get; init; }

    /// <summary>Gets free-form metadata (for example the source article, used to keep related items in one split).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = NoMetadata;

    /// <summary>Gets the relevance grade of each judged document id (BEIR qrels); grades ≤ 0 mean not relevant.</summary>
    public IReadOnlyDictionary<string, double> RelevantDocuments { get; init; } = NoJudgments;

    /// <inheritdoc/>
    public override string ToString() => Id;
}
