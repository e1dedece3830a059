namespace LlmStrategies.Evaluation;

/// <summary>Material that must not contain the test items: a few-shot pool, a RAG corpus, fine-tuning data...</summary>
public sealed class LeakageSource
{
    /// <summary>Creates a source.</summary>
    /// <param name="name">The source's name in reports (for example "few-shot pool").</param>
    /// <param name="entries">The source's texts with their ids.</param>
    public LeakageSource(string name, IEnumerable<KeyValuePair<string, string>> entries)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(entries);
        Name = name;
        Entries = entries.ToArray();
    }

    /// <summary>Gets the source's name.</summary>
    public string Name { get; }

    /// <summary>Gets the texts (id → text).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Entries { get; }

    /// <summary>A few-shot pool: each example's input.</summary>
    /// <param name="examples">The examples.</param>
    /// <param name="name">The name in reports.</param>
    /// <returns>The source.</returns>
    public static LeakageSource FromExamples(IEnumerable<FewShotExample> examples, string name = "few-shot pool")
    {
        ArgumentNullException.ThrowIfNull(examples);
        return new LeakageSource(name, examples.Select(e => new KeyValuePair<string, string>(e.Id, e.Input)));
    }

    /// <summary>A corpus of documents (RAG corpus): each document's text.</summary>
    /// <param name="documents">The documents.</param>
    /// <param name="name">The name in reports.</param>
    /// <returns>The source.</returns>
    public static LeakageSource FromDocuments(IEnumerable<SourceDocument> documents, string name = "RAG corpus")
    {
        ArgumentNullException.ThrowIfNull(documents);
        return new LeakageSource(name, documents.Select(d => new KeyValuePair<string, string>(d.Id, d.Text)));
    }

    /// <summary>Dataset items (for example fine-tuning data, or the train split): each item's input.</summary>
    /// <param name="items">The items.</param>
    /// <param name="name">The name in reports.</param>
    /// <returns>The source.</returns>
    public static LeakageSource FromItems(IEnumerable<EvaluationItem> items, string name)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new LeakageSource(name, items.Select(i => new KeyValuePair<string, string>(i.Id, i.Input)));
    }
}
