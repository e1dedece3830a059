namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// A dataset version as a file: the items as JSONL in the format <see cref="DatasetLoader.LoadJsonl"/> reads
/// (id, input, expected, label, metadata, relevant), named <c>{dataset}.{fingerprint}.jsonl</c>. The corpus is not copied
/// (a review changes items, not documents); loading verifies the fingerprint with the corpus given.
/// </summary>
public static class DatasetVersionFile
{
    /// <summary>The path of a version's items file in a folder.</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="dataset">The dataset version.</param>
    /// <returns>The path.</returns>
    public static string PathOf(string directory, EvaluationDataset dataset)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(dataset);
        return Path.Combine(directory, $"{SafeName(dataset.Name)}.{dataset.Fingerprint}.jsonl");
    }

    /// <summary>Writes a version's items, atomically.</summary>
    /// <param name="directory">The folder (created when missing).</param>
    /// <param name="dataset">The version.</param>
    /// <returns>The path written.</returns>
    public static string Save(string directory, EvaluationDataset dataset)
    {
        var path = PathOf(directory, dataset);
        DatasetWriter.WriteJsonl(path, dataset.Items);
        return path;
    }

    /// <summary>Loads a version written by <see cref="Save"/> and checks that its content fingerprint (with <paramref name="corpus"/>) is the one in its name.</summary>
    /// <param name="path">The items file.</param>
    /// <param name="corpus">The corpus of the dataset (the original's), or <see langword="null"/> when it has none.</param>
    /// <returns>The dataset version.</returns>
    /// <exception cref="DatasetFormatException">The file is malformed, or its content (with this corpus) does not have the fingerprint in its name: it was edited, or the corpus is another one.</exception>
    public static EvaluationDataset Load(string path, IEnumerable<SourceDocument>? corpus = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var stem = Path.GetFileNameWithoutExtension(path);
        var dot = stem.LastIndexOf('.');
        if (dot <= 0)
        {
            throw new DatasetFormatException($"'{path}' is not named like a dataset version ('{{dataset}}.{{fingerprint}}.jsonl').");
        }

        var name = stem[..dot];
        var expected = stem[(dot + 1)..];
        var items = DatasetLoader.LoadJsonl(path, new DatasetLoadOptions { Name = name, RequireExpected = false });
        var dataset = new EvaluationDataset(name, items.Items, corpus);
        if (!string.Equals(dataset.Fingerprint, expected, StringComparison.Ordinal))
        {
            throw new DatasetFormatException($"'{path}' has fingerprint {dataset.Fingerprint} with the given corpus, not {expected} as its name says: the file was edited after it was written, or this is not its corpus. Restore it, or re-import the review into the original dataset.");
        }

        return dataset;
    }

    internal static string SafeName(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var safe = new string(name.Select(c => invalid.Contains(c) || c is '/' or '\\' or '.' ? '_' : c).ToArray());
        return safe.Length == 0 ? "dataset" : safe;
    }
}
