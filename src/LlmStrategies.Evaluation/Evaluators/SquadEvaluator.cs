using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Evaluation;

/// <summary>
/// SQuAD v1.1 exact match and token F1, as the official evaluation script computes them: both sides normalised
/// (lowercase, punctuation and the articles a/an/the removed, whitespace collapsed), F1 over the bags of tokens, and
/// each the maximum over the gold answers. Values are per item in [0, 1] (the script reports the mean × 100).
/// </summary>
public sealed class SquadEvaluator : IEvaluator
{
    /// <summary>The exact-match metric's name.</summary>
    public const string ExactMatchMetricName = "SQuAD Exact Match";

    /// <summary>The F1 metric's name.</summary>
    public const string F1MetricName = "SQuAD F1";

    private readonly bool _stripCitationMarkers;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="stripCitationMarkers">Remove citation markers such as " [2]" from the answer before scoring (default <see langword="true"/>): they cite sources, they are not the answer.</param>
    public SquadEvaluator(bool stripCitationMarkers = true) => _stripCitationMarkers = stripCitationMarkers;

    /// <inheritdoc/>
    public IReadOnlyCollection<string> EvaluationMetricNames { get; } = [ExactMatchMetricName, F1MetricName];

    /// <summary>Exact match after normalisation, maximised over the gold answers.</summary>
    /// <param name="prediction">The answer.</param>
    /// <param name="goldAnswers">The gold answers; at least one.</param>
    /// <returns>1 or 0.</returns>
    public static double ExactMatch(string prediction, IEnumerable<string> goldAnswers)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        var golds = Golds(goldAnswers);
        var normalized = SquadText.Normalize(prediction);
        return golds.Any(g => string.Equals(SquadText.Normalize(g), normalized, StringComparison.Ordinal)) ? 1 : 0;
    }

    /// <summary>Token F1 after normalisation, maximised over the gold answers (0 when no token is shared).</summary>
    /// <param name="prediction">The answer.</param>
    /// <param name="goldAnswers">The gold answers; at least one.</param>
    /// <returns>F1 in [0, 1].</returns>
    public static double F1(string prediction, IEnumerable<string> goldAnswers)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        var predicted = SquadText.NormalizedTokens(prediction);
        return Golds(goldAnswers).Max(g => F1(predicted, SquadText.NormalizedTokens(g)));
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
            var message = EvaluatorContexts.MissingExpected(nameof(SquadEvaluator));
            return ValueTask.FromResult(new EvaluationResult(EvaluatorContexts.NumericError(ExactMatchMetricName, message), EvaluatorContexts.NumericError(F1MetricName, message)));
        }

        var text = _stripCitationMarkers ? CitationMarkers.Strip(modelResponse.Text) : modelResponse.Text;
        return ValueTask.FromResult(new EvaluationResult(
            new NumericMetric(ExactMatchMetricName, ExactMatch(text, expected.ExpectedOutputs)),
            new NumericMetric(F1MetricName, F1(text, expected.ExpectedOutputs))));
    }

    /// <summary>The script's f1_score: the multiset intersection of the tokens, precision and recall over it.</summary>
    private static double F1(string[] prediction, string[] gold)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in gold)
        {
            counts[token] = counts.GetValueOrDefault(token) + 1;
        }

        var same = 0;
        foreach (var token in prediction)
        {
            if (counts.TryGetValue(token, out var left) && left > 0)
            {
                counts[token] = left - 1;
                same++;
            }
        }

        if (same == 0)
        {
            return 0;
        }

        var precision = (double)same / prediction.Length;
        var recall = (double)same / gold.Length;
        return 2 * precision * recall / (precision + recall);
    }

    private static IReadOnlyList<string> Golds(IEnumerable<string> goldAnswers)
    {
        ArgumentNullException.ThrowIfNull(goldAnswers);
        var golds = goldAnswers as IReadOnlyList<string> ?? goldAnswers.ToArray();
        if (golds.Count == 0)
        {
            throw new ArgumentException("SQuAD scores need at least one gold answer.", nameof(goldAnswers));
        }

        return golds;
    }
}
