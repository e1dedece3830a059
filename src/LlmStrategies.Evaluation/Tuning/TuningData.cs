using LlmStrategies.Evaluation;

namespace LlmStrategies.Tuning;

/// <summary>
/// What a tuner may look at: the train split (demonstrations, few-shot pools) and the dev split (selection). There is no
/// test split here on purpose: the test split is given once, after the choice is frozen, to
/// <see cref="TuningResult.EvaluateOnTestAsync"/>, which refuses items the tuner has seen.
/// </summary>
public sealed class TuningData
{
    /// <summary>Creates tuning data from two disjoint splits.</summary>
    /// <param name="train">The training items (may be empty when nothing is bootstrapped).</param>
    /// <param name="dev">The development items, on which configurations are compared; at least one.</param>
    /// <exception cref="ArgumentException">Dev is empty, or an item id is in both splits.</exception>
    public TuningData(EvaluationDataset train, EvaluationDataset dev)
        : this(train, dev, null)
    {
    }

    private TuningData(EvaluationDataset train, EvaluationDataset dev, IReadOnlySet<string>? heldOutIds)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(dev);
        if (dev.Items.Count == 0)
        {
            throw new ArgumentException($"The dev split '{dev.Name}' has no items; configurations are compared on dev.", nameof(dev));
        }

        var trainIds = train.Items.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var shared = dev.Items.FirstOrDefault(i => trainIds.Contains(i.Id));
        if (shared is not null)
        {
            throw new ArgumentException($"Item '{shared.Id}' is in both the train split '{train.Name}' and the dev split '{dev.Name}'; split with DatasetSplitter so they are disjoint.", nameof(dev));
        }

        Train = train;
        Dev = dev;
        HeldOutIds = heldOutIds;
    }

    /// <summary>Gets the train split.</summary>
    public EvaluationDataset Train { get; }

    /// <summary>Gets the dev split.</summary>
    public EvaluationDataset Dev { get; }

    /// <summary>Gets the ids (never the items) of the manifest's test split, when the data came from <see cref="From"/>; the hold-out step checks the test set it is given against them.</summary>
    internal IReadOnlySet<string>? HeldOutIds { get; }

    /// <summary>Takes the train and dev parts of splits; the test part's items stay out (only its ids are kept, to check the hold-out step is given that split).</summary>
    /// <param name="splits">The splits, for example from <see cref="SplitManifest.Apply"/>.</param>
    /// <returns>The tuning data.</returns>
    public static TuningData From(DatasetSplits splits)
    {
        ArgumentNullException.ThrowIfNull(splits);
        return new TuningData(splits.Train, splits.Dev, splits.Manifest.Test.ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>The ids the tuner has seen (train and dev).</summary>
    internal HashSet<string> SeenIds() => Train.Items.Concat(Dev.Items).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
}
