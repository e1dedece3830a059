using LlmStrategies.Text;

namespace LlmStrategies.Filtering;

/// <summary>
/// A simple moderation filter: refuses requests whose question contains any of a list of blocked terms (whole words or
/// phrases, compared case-insensitively after Unicode normalisation).
/// </summary>
public sealed class BlockedTermsFilter : IRequestFilter, IFingerprintable
{
    private readonly string[] _terms;
    private readonly string _refusalMessage;

    /// <summary>Creates the filter.</summary>
    /// <param name="blockedTerms">Words or phrases to refuse; at least one, none empty.</param>
    /// <param name="refusalMessage">What the user is told instead of an answer.</param>
    public BlockedTermsFilter(IEnumerable<string> blockedTerms, string refusalMessage = "Sorry, I can't help with that request.")
    {
        ArgumentNullException.ThrowIfNull(blockedTerms);
        ArgumentException.ThrowIfNullOrWhiteSpace(refusalMessage);
        _terms = blockedTerms.Select(t => string.IsNullOrWhiteSpace(t)
                ? throw new ArgumentException("A blocked term is empty or white space; remove it.", nameof(blockedTerms))
                : TextTerms.NormalizeWords(t) is { Length: > 0 } words
                    ? " " + words + " "
                    : throw new ArgumentException($"The blocked term \"{t}\" has no letters or digits, so it could never match a word; remove it.", nameof(blockedTerms)))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (_terms.Length == 0)
        {
            throw new ArgumentException("The blocked-term list is empty; pass at least one term.", nameof(blockedTerms));
        }

        _refusalMessage = refusalMessage;
    }

    /// <inheritdoc/>
    public ValueTask<FilterDecision> FilterAsync(StrategyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var question = Normalize(request.Question);
        foreach (var term in _terms)
        {
            if (question.Contains(term, StringComparison.Ordinal))
            {
                return ValueTask.FromResult(FilterDecision.Refuse(nameof(BlockedTermsFilter), $"blocked term '{term.Trim()}'", _refusalMessage));
            }
        }

        return ValueTask.FromResult(FilterDecision.Allow());
    }

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("terms", string.Join("\u001f", _terms)).Add("refusal", _refusalMessage);
    }

    // Lowercase words separated by single spaces, with a space at both ends so that Contains matches whole words only.
    private static string Normalize(string text) => " " + TextTerms.NormalizeWords(text) + " ";
}
