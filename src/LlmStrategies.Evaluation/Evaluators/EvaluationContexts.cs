using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Evaluation;

/// <summary>The accepted outputs (gold answers) of the item being evaluated.</summary>
public sealed class ExpectedOutputsContext : EvaluationContext
{
    /// <summary>The context's name.</summary>
    public const string ContextName = "Expected outputs";

    /// <summary>Creates the context.</summary>
    /// <param name="expectedOutputs">The accepted outputs.</param>
    public ExpectedOutputsContext(IEnumerable<string> expectedOutputs)
        : base(ContextName, (expectedOutputs ?? throw new ArgumentNullException(nameof(expectedOutputs))).Select(e => (AIContent)new TextContent(e)).ToArray())
    {
        ExpectedOutputs = Contents.OfType<TextContent>().Select(c => c.Text).ToArray();
    }

    /// <summary>Gets the accepted outputs.</summary>
    public IReadOnlyList<string> ExpectedOutputs { get; }
}

/// <summary>The documents a strategy retrieved for the item, best first (for retrieval metrics).</summary>
public sealed class RetrievedSourcesContext : EvaluationContext
{
    /// <summary>The context's name.</summary>
    public const string ContextName = "Retrieved sources";

    /// <summary>Creates the context.</summary>
    /// <param name="sourceIds">The retrieved document ids, best first (empty when the strategy retrieved nothing).</param>
    public RetrievedSourcesContext(IEnumerable<string> sourceIds)
        : base(ContextName, (sourceIds ?? throw new ArgumentNullException(nameof(sourceIds))).Select(s => (AIContent)new TextContent(s)).ToArray())
    {
        SourceIds = Contents.OfType<TextContent>().Select(c => c.Text).ToArray();
    }

    /// <summary>Gets the retrieved document ids, best first.</summary>
    public IReadOnlyList<string> SourceIds { get; }
}

/// <summary>The graded relevance judgments (qrels) of the item: document id → grade.</summary>
public sealed class RelevanceJudgmentsContext : EvaluationContext
{
    /// <summary>The context's name.</summary>
    public const string ContextName = "Relevance judgments";

    /// <summary>Creates the context.</summary>
    /// <param name="judgments">Document id → grade (grades ≤ 0 mean not relevant).</param>
    public RelevanceJudgmentsContext(IReadOnlyDictionary<string, double> judgments)
        : base(ContextName, (judgments ?? throw new ArgumentNullException(nameof(judgments))).Select(j => (AIContent)new TextContent(string.Create(CultureInfo.InvariantCulture, $"{j.Key}\t{j.Value:R}"))).ToArray())
    {
        Judgments = new Dictionary<string, double>(judgments, StringComparer.Ordinal);
    }

    /// <summary>Gets the judgments.</summary>
    public IReadOnlyDictionary<string, double> Judgments { get; }
}

/// <summary>How long the run took, its token usage and its cost (for <see cref="LatencyCostEvaluator"/>).</summary>
public sealed class RunStatisticsContext : EvaluationContext
{
    /// <summary>The context's name.</summary>
    public const string ContextName = "Run statistics";

    /// <summary>Creates the context.</summary>
    /// <param name="latency">The run's wall time.</param>
    /// <param name="usage">The token usage, or <see langword="null"/> when unknown.</param>
    /// <param name="cost">The cost in the price table's currency, or <see langword="null"/> when the model has no price.</param>
    public RunStatisticsContext(TimeSpan latency, UsageDetails? usage, decimal? cost)
        : base(ContextName, new TextContent(string.Create(CultureInfo.InvariantCulture, $"latency {latency.TotalMilliseconds:F3} ms, input {usage?.InputTokenCount}, output {usage?.OutputTokenCount}, cost {cost}")))
    {
        Latency = latency;
        Usage = usage;
        Cost = cost;
    }

    /// <summary>Gets the run's wall time.</summary>
    public TimeSpan Latency { get; }

    /// <summary>Gets the token usage, or <see langword="null"/>.</summary>
    public UsageDetails? Usage { get; }

    /// <summary>Gets the cost, or <see langword="null"/> when unknown.</summary>
    public decimal? Cost { get; }
}

/// <summary>Helpers shared by this library's evaluators.</summary>
internal static class EvaluatorContexts
{
    public static T? Find<T>(IEnumerable<EvaluationContext>? contexts)
        where T : EvaluationContext => contexts?.OfType<T>().FirstOrDefault();

    /// <summary>A numeric metric with no value and an error diagnostic: a failure to evaluate must never look like a score of 0.</summary>
    public static NumericMetric NumericError(string name, string message)
    {
        var metric = new NumericMetric(name, value: null, reason: message);
        metric.AddDiagnostics(EvaluationDiagnostic.Error(message));
        return metric;
    }

    public static BooleanMetric BooleanError(string name, string message)
    {
        var metric = new BooleanMetric(name, value: null, reason: message);
        metric.AddDiagnostics(EvaluationDiagnostic.Error(message));
        return metric;
    }

    public static string MissingExpected(string evaluator) =>
        $"{evaluator} needs the expected outputs: pass an {nameof(ExpectedOutputsContext)} in additionalContext (the experiment runner does so for items with expected outputs).";
}
