using LlmStrategies.Pipeline;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace LlmStrategies.FewShot.Selectors;

/// <summary>
/// Picks examples from a store at random, reproducibly: the choice depends only on the seed, the input and the store's
/// content, so a rerun of an experiment shows every item the same examples.
/// </summary>
public sealed class RandomFewShotSelector : IFewShotSelector, IFingerprintable, IContentVersioned
{
    private readonly IExampleStore _store;
    private readonly int _seed;
    private readonly LeakageGuard _guard;

    /// <summary>Creates the selector.</summary>
    /// <param name="store">The examples to pick from.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="guard">Blocks examples that repeat the input; <see langword="null"/> for the default guard.</param>
    public RandomFewShotSelector(IExampleStore store, int seed, LeakageGuard? guard = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _seed = seed;
        _guard = guard ?? new LeakageGuard();
    }

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<FewShotExample>> SelectAsync(FewShotRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var candidates = (await _store.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).ToArray();

        // The shuffle's seed comes from a stable hash of (seed, input); string.GetHashCode differs between processes.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{_seed}\u001f{request.Input}"));
        new Random(BinaryPrimitives.ReadInt32LittleEndian(hash)).Shuffle(candidates);
        return FewShotSelection.Finish(candidates, request, _guard, FewShotOrder.MostSimilarFirst);
    }

    /// <summary>Gets the example store's version, so a strategy's fingerprint follows edits of the store.</summary>
    public long ContentVersion => ContentVersions.Of(_store);

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddComponent("store", _store);
        builder.Add("seed", _seed).AddComponent("guard", _guard);
    }
}
