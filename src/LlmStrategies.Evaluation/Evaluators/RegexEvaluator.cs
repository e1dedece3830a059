using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Evaluation;

/// <summary>Whether the response matches a regular expression (for example a required format or citation).</summary>
public sealed class RegexEvaluator : IEvaluator
{
    private readonly Regex _regex;
    private readonly string _metricName;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="pattern">The pattern (.NET syntax), matched with a one-second timeout.</param>
    /// <param name="metricName">The metric's name. Default "Matches Pattern".</param>
    /// <param name="options">Regex options. Default none (culture-invariant matching is always added).</param>
    public RegexEvaluator(string pattern, string metricName = "Matches Pattern", RegexOptions options = RegexOptions.None)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentException.ThrowIfNullOrWhiteSpace(metricName);
        _regex = new Regex(pattern, options | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        _metricName = metricName;
        EvaluationMetricNames = [metricName];
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> EvaluationMetricNames { get; }

    /// <inheritdoc/>
    public ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages,
        ChatResponse modelResponse,
        ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelResponse);
        try
        {
            return ValueTask.FromResult(new EvaluationResult(new BooleanMetric(_metricName, _regex.IsMatch(modelResponse.Text))));
        }
        catch (RegexMatchTimeoutException ex)
        {
            return ValueTask.FromResult(new EvaluationResult(EvaluatorContexts.BooleanError(_metricName, $"The pattern /{_regex}/ timed out on the response ({ex.MatchTimeout.TotalSeconds:F0} s); simplify the pattern.")));
        }
    }
}
