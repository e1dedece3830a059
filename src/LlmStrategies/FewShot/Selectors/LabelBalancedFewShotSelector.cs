using LlmStrategies.Pipeline;
namespace LlmStrategies.FewShot.Selectors;

/// <summary>
/// Balances the labels of the chosen examples (stratified few-shot): asks an inner selector for a larger candidate set
/// and takes the best-ranked candidate of each label in turn, so that, for example, a classifier sees every class.
/// Examples without a label form one group of their own.
/// </summary>
public sealed class LabelBalancedFewShotSelector : IFewShotSelector, IFingerprintable, IContentVersioned
{
    private readonly IFewShotSelector _inner;
    private readonly int _candidateFactor;
    private readonly FewShotOrder _order;

    /// <summary>Creates the selector.</summary>
    /// <param name="inner">Ranks the candidates (for example a lexical or semantic selector); its examples should carry scores.</param>
    /// <param name="candidateFactor">How many candidates per requested example to ask the inner selector for. Default 4.</param>
    /// <param name="order">How the chosen examples are ordered. Default most similar last.</param>
    public LabelBalancedFewShotSelector(IFewShotSelector inner, int candidateFactor = 4, FewShotOrder order = FewShotOrder.MostSimilarLast)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(candidateFactor, 1);
        _inner = inner;
        _candidateFactor = candidateFactor;
        _order = order;
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<FewShotExample>> SelectAsync(FewShotRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var candidates = await _inner.SelectAsync(new FewShotRequest(request.Input, request.Count * _candidateFactor, request.Filter), cancellationToken).ConfigureAwait(false);

        var groups = FewShotSelection.RankBestFirst(candidates).GroupBy(c => c.Label ?? string.Empty).Select(g => new Queue<FewShotExample>(g)).ToList();
        var chosen = new List<FewShotExample>(request.Count);
        while (chosen.Count < request.Count && groups.Any(g => g.Count > 0))
        {
            foreach (var group in groups)
            {
                if (chosen.Count < request.Count && group.TryDequeue(out var example))
                {
                    chosen.Add(example);
                }
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
        builder.Add("candidate-factor", _candidateFactor).Add("order", _order.ToString()).AddComponent("inner", _inner);
    }
}
