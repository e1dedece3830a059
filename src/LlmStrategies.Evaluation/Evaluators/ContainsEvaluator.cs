using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Evaluation;

/// <summary>
/// Whether the response contains one of the expected outputs as a run of whole words, both normalised as SQuAD does
/// (so "The warranty lasts three years." contains "three years" but "2009" is not found in "20091").
/// </summary>
public sealed class ContainsEvaluator : IEvaluator
{
    /// <summary>The metric's name.</summary>
    public const string MetricName = "Contains Answer";

    private readonly bool _stripCitationMarkers;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="stripCitationMarkers">Remove citation markers such as " [2]" from the answer before scoring (default <see langword="true"/>): they cite sources, they are not the answer.</param>
    public ContainsEvaluator(bool stripCitationMarkers = true) => _stripCitationMarkers = stripCitationMarkers;

    /// <inheritdoc/>
    public IReadOnlyCollection<string> EvaluationMetricNames { get; } = [MetricName];

    /// <summary>Whether <paramref name="response"/> contains one of <paramref name="expected"/> as whole normalised words.</summary>
    /// <param name="response">The response.</param>
    /// <param name="expected">The accepted outputs.</param>
    /// <returns><see langword="true"/> when one is contained.</returns>
    public static bool Contains(string response, IEnumerable<string> expected)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(expected);
        var haystack = " " + SquadText.Normalize(response) + " ";
        return expected.Select(SquadText.Normalize).Any(e => e.Length > 0 && haystack.Contains(" " + e + " ", StringComparison.Ordinal));
    }

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
            return ValueTask.FromResult(new EvaluationResult(EvaluatorContexts.BooleanError(MetricName, EvaluatorContexts.MissingExpected(nameof(ContainsEvaluator)))));
        }

        return ValueTask.FromResult(new EvaluationResult(new BooleanMetric(MetricName, Contains(_stripCitationMarkers ? CitationMarkers.Strip(modelResponse.Text) : modelResponse.Text, expected.ExpectedOutputs))));
    }
}
