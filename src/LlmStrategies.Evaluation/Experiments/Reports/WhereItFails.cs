using System.Text.Json.Serialization;
using LlmStrategies.Evaluation.Analysis;

namespace LlmStrategies.Experiments;

/// <summary>
/// The "Where it fails" section of an <see cref="ExperimentReport"/>: the failure analysis of one strategy (rung against
/// rung, slices, retrieval or reading, failure clusters), the top findings with their evidence, and the items they point
/// at. Made from a <see cref="DataWorkReport"/> of the same run by <see cref="ExperimentReport.WithWhereItFails"/>; every
/// figure comes from the run's records.
/// </summary>
public sealed class WhereItFails
{
    /// <summary>The default number of findings a report shows (the console summary of the ladder shows 3).</summary>
    public const int DefaultTopFindings = 5;

    /// <summary>Gets the failure analysis.</summary>
    [JsonPropertyName("failures")]
    public required FailureAnalysis Failures { get; init; }

    /// <summary>Gets the top findings, fix first, with their evidence.</summary>
    [JsonPropertyName("findings")]
    public IReadOnlyList<DataWorkFinding> Findings { get; init; } = [];

    /// <summary>Gets how many findings the analysis had in all (the full list is in the data-work report).</summary>
    [JsonPropertyName("totalFindings")]
    public int TotalFindings { get; init; }

    /// <summary>Gets the items the findings, flips, slices and clusters point at.</summary>
    [JsonPropertyName("items")]
    public IReadOnlyList<ItemDetail> Items { get; init; } = [];

}
