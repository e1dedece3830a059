using System.Globalization;

namespace LlmStrategies.Evaluation;

/// <summary>
/// Draws a seeded sample of a dataset (a cheap first run on a paid model, a quick check), never the first N items: the
/// first N of a file are usually a few articles or topics and their scores fall outside the full set's intervals.
/// </summary>
public static class DatasetSampler
{
    /// <summary>
    /// Samples <paramref name="count"/> items with a seeded random draw, stratified by <paramref name="stratifyBy"/>
    /// when given: every group (article, paragraph, label...) keeps its share of the items (largest-remainder
    /// allocation of the proportional shares), and within a group the items are drawn at random. The result keeps the dataset's order and corpus and records how it
    /// was drawn in <see cref="EvaluationDataset.Sampling"/>.
    /// </summary>
    /// <param name="dataset">The dataset (for example a split's test set).</param>
    /// <param name="count">How many items; when at least the dataset's size, the dataset itself is returned.</param>
    /// <param name="seed">The random seed: the same seed gives the same sample.</param>
    /// <param name="stratifyBy">A metadata field every item has, or "label" for the items' labels, or <see langword="null"/> for a simple random sample.</param>
    /// <returns>The sample.</returns>
    /// <exception cref="ArgumentException">The field is missing from some items; the message names the fields that exist.</exception>
    public static EvaluationDataset Sample(EvaluationDataset dataset, int count, int seed, string? stratifyBy = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var total = dataset.Items.Count;
        if (count >= total)
        {
            return dataset;
        }

        var groups = Groups(dataset, stratifyBy);
        var random = new Random(seed);
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (group, take) in Allocate(groups, count, total))
        {
            var items = group.ToArray();
            random.Shuffle(items);
            chosen.UnionWith(items.Take(take).Select(i => i.Id));
        }

        var method = stratifyBy is null
            ? string.Create(CultureInfo.InvariantCulture, $"seeded (seed {seed}) simple random sampling")
            : string.Create(CultureInfo.InvariantCulture, $"seeded (seed {seed}) random sampling stratified by '{stratifyBy}' ({groups.Count} groups, each in proportion)");
        var sample = dataset.Subset(dataset.Name, dataset.Items.Where(i => chosen.Contains(i.Id)).Select(i => i.Id));
        return new EvaluationDataset(sample.Name, sample.Items, dataset.Corpus) { Sampling = new DatasetSampling(chosen.Count, total, method) };
    }

    private static List<IGrouping<string, EvaluationItem>> Groups(EvaluationDataset dataset, string? field)
    {
        if (field is null)
        {
            return dataset.Items.GroupBy(_ => string.Empty).ToList();
        }

        string? KeyOf(EvaluationItem item) => field == "label" ? item.Label : item.Metadata.GetValueOrDefault(field);
        var missing = dataset.Items.FirstOrDefault(i => KeyOf(i) is null);
        if (missing is not null)
        {
            var fields = dataset.Items.SelectMany(i => i.Metadata.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            throw new ArgumentException($"Cannot stratify dataset '{dataset.Name}' by '{field}': item '{missing.Id}' has no such field. The metadata fields are: {string.Join(", ", fields)} (or 'label').", nameof(field));
        }

        return dataset.Items.GroupBy(i => KeyOf(i)!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>Largest-remainder allocation of <paramref name="count"/> items to groups in proportion to their sizes.</summary>
    private static IEnumerable<(IGrouping<string, EvaluationItem> Group, int Take)> Allocate(List<IGrouping<string, EvaluationItem>> groups, int count, int total)
    {
        var shares = groups.Select(g => (Group: g, Exact: (double)count * g.Count() / total)).ToArray();
        var takes = shares.Select(s => (int)Math.Floor(s.Exact)).ToArray();
        var left = count - takes.Sum();
        foreach (var i in Enumerable.Range(0, shares.Length).OrderByDescending(i => shares[i].Exact - takes[i]).ThenBy(i => shares[i].Group.Key, StringComparer.Ordinal).Take(left))
        {
            takes[i]++;
        }

        return shares.Select((s, i) => (s.Group, takes[i]));
    }
}
