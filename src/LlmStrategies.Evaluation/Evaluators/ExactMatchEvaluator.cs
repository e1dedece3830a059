using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Evaluation;

/// <summary>Whether the response equals one of the expected outputs (after trimming; case-insensitive by default).</summary>
public sealed class ExactMatchEvaluator : IEvaluator
{
    /// <summary>The metric's name.</summary>
    public const string MetricName = "Exact Match";

    private readonly StringComparison _comparison;
    private readonly bool _stripCitationMarkers;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="ignoreCase">Whether case is ignored. Default <see langword="true"/>.</param>
    /// <param name="stripCitationMarkers">Remove citation markers such as " [2]" from the answer before comparing (default <see langword="true"/>).</param>
    public ExactMatchEvaluator(bool ignoreCase = true, bool stripCitationMarkers = true)
    {
        _comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        _stripCitationMarkers = stripCitationMarkers;
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> EvaluationMetricNames { get; } = [MetricName];

    /// <inheritdoc/>
    public ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages,
        ChatResponse modelResponse,
        ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelResponse);
        var expected = EvaluatorContexts.Find<ExpectedOutputsContext>(additionalContext);
        if (expected is null || expected.ExpectedOutputs.Count == 0)
        {
            return ValueTask.FromResult(new EvaluationResult(EvaluatorContexts.BooleanError(MetricName, EvaluatorContexts.MissingExpected(nameof(ExactMatchEvaluator)))));
        }

        var answer = (_stripCitationMarkers ? CitationMarkers.Strip(modelResponse.Text) : modelResponse.Text).Trim();
        var match = expected.ExpectedOutputs.Any(e => string.Equals(e.Trim(), answer, _comparison));
        return ValueTask.FromResult(new EvaluationResult(new BooleanMetric(MetricName, match)));
    }
}
