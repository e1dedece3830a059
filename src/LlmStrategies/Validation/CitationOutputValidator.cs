using System.Globalization;
using System.Text.RegularExpressions;

namespace LlmStrategies.Validation;

/// <summary>
/// Checks that a retrieval-augmented answer cites its sources: when the prompt carried context passages, the answer must
/// cite at least one marker [n] (unless it says it cannot answer), and every marker it cites must exist.
/// </summary>
public sealed partial class CitationOutputValidator : IOutputValidator, IFingerprintable
{
    private readonly string[] _cannotAnswerPhrases;

    /// <summary>Creates the validator.</summary>
    /// <param name="cannotAnswerPhrases">
    /// Phrases that mark an answer as a decline, which needs no citation; <see langword="null"/> uses "cannot answer",
    /// "can't answer" and "do not know".
    /// </param>
    public CitationOutputValidator(IEnumerable<string>? cannotAnswerPhrases = null) =>
        _cannotAnswerPhrases = (cannotAnswerPhrases ?? ["cannot answer", "can't answer", "do not know"]).ToArray();

    /// <inheritdoc/>
    public ValueTask<ValidationOutcome> ValidateAsync(OutputValidationContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var sourceCount = context.Prompt.IncludedContext.Count;
        var cited = Marker().Matches(context.Answer).Select(m => int.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture)).Distinct().ToArray();
        var unknown = cited.Where(n => n < 1 || n > sourceCount).ToArray();
        if (unknown.Length > 0)
        {
            return ValueTask.FromResult(ValidationOutcome.Invalid(
                nameof(CitationOutputValidator),
                $"The answer cites {string.Join(", ", unknown.Select(n => $"[{n}]"))}, but only passages [1] to [{sourceCount}] were supplied; cite only supplied passages."));
        }

        var declines = _cannotAnswerPhrases.Any(p => context.Answer.Contains(p, StringComparison.OrdinalIgnoreCase));
        if (sourceCount > 0 && cited.Length == 0 && !declines)
        {
            return ValueTask.FromResult(ValidationOutcome.Invalid(
                nameof(CitationOutputValidator),
                "The answer cites no passage; add the marker of each passage you used, for example [1]."));
        }

        return ValueTask.FromResult(ValidationOutcome.Valid);
    }

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("decline-phrases", string.Join("\u001f", _cannotAnswerPhrases));
    }

    [GeneratedRegex(@"\[(\d{1,4})\]", RegexOptions.CultureInvariant)]
    private static partial Regex Marker();
}
