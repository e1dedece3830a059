namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// The dataset's items as the analyses need them: the split of each, its distinct normalised input (exact duplicates
/// share one), and its normalised gold keys. Built once, shared by the profile and the failure analysis.
/// </summary>
internal sealed class ProfiledItems
{
    public const string TestSplit = "test";

    private readonly Dictionary<string, int> _index;

    public ProfiledItems(EvaluationDataset dataset, DatasetSplits? splits)
    {
        Items = dataset.Items;
        Split = new string[Items.Count];
        _index = new Dictionary<string, int>(Items.Count, StringComparer.Ordinal);
        for (var i = 0; i < Items.Count; i++)
        {
            _index[Items[i].Id] = i;
        }

        SplitNames = splits is null ? ["all"] : ["train", "dev", TestSplit];
        if (splits is null)
        {
            Array.Fill(Split, "all");
        }
        else
        {
            Array.Fill(Split, "unassigned");
            Assign(splits.Manifest.Train, "train", dataset);
            Assign(splits.Manifest.Dev, "dev", dataset);
            Assign(splits.Manifest.Test, TestSplit, dataset);
            if (Split.Contains("unassigned", StringComparer.Ordinal))
            {
                SplitNames = [.. SplitNames, "unassigned"];
            }
        }

        var labelled = Items.Where(i => i.Label is not null).ToArray();
        LabelIsGold = labelled.Length > 0 && labelled.All(i => i.ExpectedOutputs.Count == 0 || (i.ExpectedOutputs.Count == 1 && i.ExpectedOutputs[0] == i.Label));
        GoldKeys = Items.Select(GoldKeysOf).ToArray();

        var distinct = new Dictionary<string, int>(StringComparer.Ordinal);
        DistinctOf = new int[Items.Count];
        for (var i = 0; i < Items.Count; i++)
        {
            var normalized = SquadText.Normalize(Items[i].Input);
            var key = normalized.Length > 0 ? normalized : "\u0001" + Items[i].Input.Trim();
            if (!distinct.TryGetValue(key, out var d))
            {
                d = distinct.Count;
                distinct[key] = d;
                ItemsByDistinctInput.Add([]);
                DistinctTexts.Add(Items[i].Input);
            }

            DistinctOf[i] = d;
            ItemsByDistinctInput[d].Add(i);
        }
    }

    public IReadOnlyList<EvaluationItem> Items { get; }

    /// <summary>Gets the split of each item: train, dev, test (or all without splits; unassigned for items no split lists).</summary>
    public string[] Split { get; }

    public string[] SplitNames { get; }

    /// <summary>Gets a value indicating whether labels are the gold outputs (every labelled item has no other expected output than its label).</summary>
    public bool LabelIsGold { get; }

    /// <summary>Gets each item's gold in SQuAD-normalised form (its label for classification data), without empty ones.</summary>
    public string[][] GoldKeys { get; }

    /// <summary>Gets each item's distinct-input row.</summary>
    public int[] DistinctOf { get; }

    /// <summary>Gets the items of each distinct input.</summary>
    public List<List<int>> ItemsByDistinctInput { get; } = [];

    /// <summary>Gets the text embedded for each distinct input (its first item's input).</summary>
    public List<string> DistinctTexts { get; } = [];

    public bool TryGetIndex(string id, out int index) => _index.TryGetValue(id, out index);

    /// <summary>The gold of an item as shown in reports: its expected outputs, or its label for classification data.</summary>
    public IReadOnlyList<string> Gold(int i) => Items[i].ExpectedOutputs.Count > 0 || !LabelIsGold || Items[i].Label is null ? Items[i].ExpectedOutputs : [Items[i].Label!];

    public ItemReference Reference(int i) => new() { Id = Items[i].Id, Split = Split[i], Input = Items[i].Input, Gold = Gold(i) };

    private string[] GoldKeysOf(EvaluationItem item)
    {
        if (LabelIsGold && item.Label is not null)
        {
            return [item.Label];
        }

        return item.ExpectedOutputs.Select(SquadText.Normalize).Where(g => g.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
    }

    private void Assign(IReadOnlyList<string> ids, string split, EvaluationDataset dataset)
    {
        foreach (var id in ids)
        {
            if (!_index.TryGetValue(id, out var i))
            {
                throw new ArgumentException($"The split manifest lists item '{id}', which is not in dataset '{dataset.Name}' (fingerprint {dataset.Fingerprint}); pass the dataset the splits were made from.", nameof(dataset));
            }

            Split[i] = split;
        }
    }
}
