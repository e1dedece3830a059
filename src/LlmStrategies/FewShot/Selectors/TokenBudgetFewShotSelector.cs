using LlmStrategies.Pipeline;
using Microsoft.ML.Tokenizers;

namespace LlmStrategies.FewShot.Selectors;

/// <summary>
/// Keeps the chosen examples within a token budget: takes an inner selector's candidates best first and keeps each one
/// that still fits (an example too large for the budget is skipped, not truncated).
/// </summary>
public sealed class TokenBudgetFewShotSelector : IFewShotSelector, IFingerprintable, IContentVersioned
{
    private readonly IFewShotSelector _inner;
    private readonly Tokenizer _tokenizer;
    private readonly string _tokenizerName;
    private readonly int _maxTokens;
    private readonly FewShotOrder _order;

    /// <summary>Creates the selector.</summary>
    /// <param name="inner">Ranks the candidates.</param>
    /// <param name="tokenizer">Counts tokens (for example <c>PromptTokenizers.O200kBase</c> (package LlmStrategies.Tokenizers)).</param>
    /// <param name="tokenizerName">Names the tokenizer in fingerprints.</param>
    /// <param name="maxTokens">The most tokens all chosen examples (inputs and outputs) may take.</param>
    /// <param name="order">How the chosen examples are ordered. Default most similar last.</param>
    public TokenBudgetFewShotSelector(IFewShotSelector inner, Tokenizer tokenizer, string tokenizerName, int maxTokens, FewShotOrder order = FewShotOrder.MostSimilarLast)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentException.ThrowIfNullOrWhiteSpace(tokenizerName);
        ArgumentOutOfRangeException.ThrowIfNegative(maxTokens);
        _inner = inner;
        _tokenizer = tokenizer;
        _tokenizerName = tokenizerName;
        _maxTokens = maxTokens;
        _order = order;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<FewShotExample>> SelectAsync(FewShotRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var candidates = await _inner.SelectAsync(new FewShotRequest(request.Input, request.Count * 3, request.Filter), cancellationToken).ConfigureAwait(false);
        var ranked = FewShotSelection.RankBestFirst(candidates);
        var chosen = new List<FewShotExample>();
        var used = 0;
        foreach (var example in ranked)
        {
            var cost = _tokenizer.CountTokens(example.Input) + _tokenizer.CountTokens(example.Output);
            if (chosen.Count < request.Count && used + cost <= _maxTokens)
            {
                chosen.Add(example);
                used += cost;
            }
        }

        return FewShotSelection.ForPrompt(chosen, _order);
    }

    /// <summary>Gets the version of the content this component answers from (its inner components' versions combined).</summary>
    public long ContentVersion => ContentVersions.Combine(_inner);

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("tokenizer", _tokenizerName).Add("max-tokens", _maxTokens).Add("order", _order.ToString()).AddComponent("inner", _inner);
    }
}
