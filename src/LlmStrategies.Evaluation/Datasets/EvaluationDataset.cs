namespace LlmStrategies.Evaluation;

/// <summary>
/// A named set of <see cref="EvaluationItem"/>s, optionally with the document corpus they are answered from, and a
/// content fingerprint that changes whenever any item or document changes.
/// </summary>
public sealed class EvaluationDataset
{
    private readonly Dictionary<string, EvaluationItem> _byId;

    /// <summary>Creates a dataset.</summary>
    /// <param name="name">The dataset's name (for reports).</param>
    /// <param name="items">The items; ids must be unique and non-empty.</param>
    /// <param name="corpus">The documents the items are answered from (RAG corpus, BEIR corpus), or <see langword="null"/>.</param>
    /// <param name="errors">Malformed records that were skipped (loaders with <see cref="DatasetLoadOptions.SkipInvalid"/>), or <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">Two items share an id, or an id is empty.</exception>
    public EvaluationDataset(string name, IEnumerable<EvaluationItem> items, IEnumerable<SourceDocument>? corpus = null, IEnumerable<DatasetError>? errors = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(items);
        Name = name;
        Items = items.ToArray();
        Corpus = corpus?.ToArray() ?? [];
        Errors = errors?.ToArray() ?? [];
        _byId = new Dictionary<string, EvaluationItem>(Items.Count, StringComparer.Ordinal);
        foreach (var item in Items)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(items));
            if (string.IsNullOrEmpty(item.Id))
            {
                throw new ArgumentException($"Dataset '{name}' has an item with an empty id; give every item a unique id.", nameof(items));
            }

            if (!_byId.TryAdd(item.Id, item))
            {
                throw new ArgumentException($"Dataset '{name}' has two items with id '{item.Id}'; ids must be unique so that splits and results can refer to items.", nameof(items));
            }
        }

        Fingerprint = ComputeFingerprint();
    }

    /// <summary>Gets the dataset's name.</summary>
    public string Name { get; }

    /// <summary>Gets the items, in file order.</summary>
    public IReadOnlyList<EvaluationItem> Items { get; }

    /// <summary>Gets the documents the items are answered from; empty when the dataset has none.</summary>
    public IReadOnlyList<SourceDocument> Corpus { get; }

    /// <summary>Gets the malformed records that were skipped; empty unless loaded with <see cref="DatasetLoadOptions.SkipInvalid"/>.</summary>
    public IReadOnlyList<DatasetError> Errors { get; }

    /// <summary>
    /// Gets the content fingerprint: 32 hexadecimal characters hashing every item (id, input, expected outputs, label,
    /// metadata, judgments) and every corpus document, independent of their order.
    /// </summary>
    public string Fingerprint { get; }

    /// <summary>
    /// Gets how this dataset was sampled from a larger one (by <see cref="DatasetSampler"/>), or <see langword="null"/>
    /// when it is not a sample. Experiments carry it into their reports ("n of N test items, sampled by ...").
    /// </summary>
    public DatasetSampling? Sampling { get; init; }
    /// <summary>Looks an item up by id.</summary>
    /// <param name="id">The id.</param>
    /// <param name="item">The item, when found.</param>
    /// <returns><see langword="true"/> when found.</returns>
    public bool TryGetItem(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out EvaluationItem? item)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _byId.TryGetValue(id, out item);
    }

    /// <summary>Returns a dataset of the given items (in the order given), sharing this dataset's corpus.</summary>
    /// <param name="name">The new dataset's name.</param>
    /// <param name="ids">The item ids.</param>
    /// <returns>The subset.</returns>
    /// <exception cref="KeyNotFoundException">An id is not in this dataset.</exception>
    public EvaluationDataset Subset(string name, IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var items = new List<EvaluationItem>();
        foreach (var id in ids)
        {
            if (!_byId.TryGetValue(id, out var item))
            {
                throw new KeyNotFoundException($"Item '{id}' is not in dataset '{Name}' (fingerprint {Fingerprint}); the split manifest was made for another version of the data.");
            }

            items.Add(item);
        }

        return new EvaluationDataset(name, items, Corpus);
    }

    /// <summary>The content fingerprint of a set of items alone (used for split fingerprints).</summary>
    internal static string FingerprintOf(IEnumerable<EvaluationItem> items)
    {
        using var hash = new ContentHash();
        AddItems(hash, items);
        return hash.Finish();
    }

    private static void AddItems(ContentHash hash, IEnumerable<EvaluationItem> items)
    {
        foreach (var item in items.OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            hash.Add("item").Add(item.Id).Add(item.Input).Add(item.Label);
            hash.Add(item.ExpectedOutputs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var expected in item.ExpectedOutputs)
            {
                hash.Add(expected);
            }

            foreach (var (key, value) in item.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                hash.Add("m").Add(key).Add(value);
            }

            foreach (var (doc, grade) in item.RelevantDocuments.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                hash.Add("q").Add(doc).Add(grade);
            }
        }
    }

    private string ComputeFingerprint()
    {
        using var hash = new ContentHash();
        AddItems(hash, Items);
        foreach (var document in Corpus.OrderBy(d => d.Id, StringComparer.Ordinal))
        {
            hash.Add("doc").Add(document.Id).Add(document.Text);
            foreach (var (key, value) in document.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                hash.Add("m").Add(key).Add(value);
            }
        }

        return hash.Finish();
    }
}
