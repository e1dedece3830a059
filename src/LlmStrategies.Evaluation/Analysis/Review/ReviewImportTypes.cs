using System.Text.Json.Serialization;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>How <see cref="ReviewImporter"/> applies a reviewed file.</summary>
public sealed class ReviewImportOptions
{
    /// <summary>Gets or sets the similarity at or above which an approved example counts as a copy of a protected (test) item and is refused. Default 0.9 (the <see cref="FewShot.LeakageGuard"/> default).</summary>
    public double LeakageThreshold { get; set; } = 0.9;

    /// <summary>Gets or sets the tag put on examples added from a review. Default "reviewed".</summary>
    public string ExampleTag { get; set; } = "reviewed";

    /// <summary>Gets or sets a value indicating whether fix-gold and exclude rows need a note (the "why" of the change log). Default <see langword="true"/>.</summary>
    public bool RequireNote { get; set; } = true;
}

/// <summary>One applied change, as the change log next to the dataset records it: who, when, why, before and after.</summary>
public sealed class ReviewChange
{
    /// <summary>Gets the item.</summary>
    [JsonPropertyName("item")]
    public required string Item { get; init; }

    /// <summary>Gets the action: fix-gold, exclude or add-example.</summary>
    [JsonPropertyName("action")]
    public required string Action { get; init; }

    /// <summary>Gets the gold before the change (for add-example: empty).</summary>
    [JsonPropertyName("before")]
    public IReadOnlyList<string> Before { get; init; } = [];

    /// <summary>Gets the gold after the change (for add-example: the example's output; for exclude: empty).</summary>
    [JsonPropertyName("after")]
    public IReadOnlyList<string> After { get; init; } = [];

    /// <summary>Gets who reviewed it.</summary>
    [JsonPropertyName("reviewer")]
    public required string Reviewer { get; init; }

    /// <summary>Gets why.</summary>
    [JsonPropertyName("note")]
    public string Note { get; init; } = string.Empty;

    /// <summary>Gets when the change was applied.</summary>
    [JsonPropertyName("at")]
    public DateTimeOffset At { get; init; }

    /// <summary>Gets the review file's name.</summary>
    [JsonPropertyName("reviewFile")]
    public required string ReviewFile { get; init; }

    /// <summary>Gets the review file's line.</summary>
    [JsonPropertyName("line")]
    public int Line { get; init; }

    /// <summary>Gets the SHA-256 of the review file's bytes (what makes a re-import a no-op).</summary>
    [JsonPropertyName("reviewSha256")]
    public required string ReviewSha256 { get; init; }

    /// <summary>Gets the dataset fingerprint the change was applied to.</summary>
    [JsonPropertyName("fromFingerprint")]
    public required string FromFingerprint { get; init; }

    /// <summary>Gets the fingerprint of the version it produced.</summary>
    [JsonPropertyName("toFingerprint")]
    public required string ToFingerprint { get; init; }
}

/// <summary>What an import did.</summary>
public sealed class ReviewImportResult
{
    internal ReviewImportResult(EvaluationDataset dataset, string previousFingerprint, bool alreadyApplied, IReadOnlyList<ReviewChange> changes, int examplesAdded, int confirmed, int unreviewed, string? versionPath, string changeLogPath)
    {
        Dataset = dataset;
        PreviousFingerprint = previousFingerprint;
        AlreadyApplied = alreadyApplied;
        Changes = changes;
        ExamplesAdded = examplesAdded;
        Confirmed = confirmed;
        Unreviewed = unreviewed;
        VersionPath = versionPath;
        ChangeLogPath = changeLogPath;
    }

    /// <summary>Gets the dataset after the review: a new version with its own fingerprint, or the given one when nothing changed.</summary>
    public EvaluationDataset Dataset { get; }

    /// <summary>Gets the fingerprint of the dataset the review was applied to.</summary>
    public string PreviousFingerprint { get; }

    /// <summary>Gets a value indicating whether this file had been imported before (the change log holds its hash), so nothing was written.</summary>
    public bool AlreadyApplied { get; }

    /// <summary>Gets the changes (those of the earlier import when <see cref="AlreadyApplied"/>).</summary>
    public IReadOnlyList<ReviewChange> Changes { get; }

    /// <summary>Gets the examples added to the example store by this call.</summary>
    public int ExamplesAdded { get; }

    /// <summary>Gets the rows with verdict ok (gold confirmed, nothing to change).</summary>
    public int Confirmed { get; }

    /// <summary>Gets the rows left unreviewed (empty verdict, no example).</summary>
    public int Unreviewed { get; }

    /// <summary>Gets the items file of the new version (JSONL, loadable with <see cref="DatasetVersionFile.Load"/>), or <see langword="null"/> when the gold did not change.</summary>
    public string? VersionPath { get; }

    /// <summary>Gets the change log (JSONL, one <see cref="ReviewChange"/> per line).</summary>
    public string ChangeLogPath { get; }

    /// <summary>
    /// Carries a split over to the new version: the same items in the same parts, excluded items removed, fingerprints
    /// recomputed. Scores on the carried test split are comparable with earlier ones item by item, not as a whole (the
    /// gold changed).
    /// </summary>
    /// <param name="manifest">The split of the dataset the review was applied to.</param>
    /// <returns>The manifest for <see cref="Dataset"/>.</returns>
    /// <exception cref="ArgumentException">The manifest is of another dataset version.</exception>
    public SplitManifest CarrySplit(SplitManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.DatasetFingerprint != PreviousFingerprint && manifest.DatasetFingerprint != Dataset.Fingerprint)
        {
            throw new ArgumentException($"The manifest is of dataset fingerprint {manifest.DatasetFingerprint}, but the review was applied to {PreviousFingerprint}.", nameof(manifest));
        }

        string[] Keep(IReadOnlyList<string> ids) => ids.Where(id => Dataset.TryGetItem(id, out _)).ToArray();
        string FingerprintOf(string[] ids) => EvaluationDataset.FingerprintOf(ids.Select(id => Dataset.TryGetItem(id, out var item) ? item : throw new InvalidOperationException(id)));
        var train = Keep(manifest.Train);
        var dev = Keep(manifest.Dev);
        var test = Keep(manifest.Test);
        var options = new SplitOptions
        {
            Seed = manifest.Seed,
            TrainFraction = manifest.TrainFraction,
            DevFraction = manifest.DevFraction,
            TestFraction = manifest.TestFraction,
            StratifyByLabel = manifest.StratifyByLabel,
            GroupBy = manifest.GroupBy,
        };
        return new SplitManifest(Dataset.Name, Dataset.Fingerprint, options, train, dev, test, FingerprintOf(train), FingerprintOf(dev), FingerprintOf(test));
    }
}

/// <summary>A review file that cannot be applied: every malformed or conflicting row, with its file and line. Nothing was changed.</summary>
public sealed class ReviewFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public ReviewFormatException()
        : this("The review file cannot be applied.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public ReviewFormatException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ReviewFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Creates the exception from the problems found.</summary>
    /// <param name="errors">Every problem, with file and line.</param>
    public ReviewFormatException(IReadOnlyList<DatasetError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    /// <summary>Gets every problem found.</summary>
    public IReadOnlyList<DatasetError> Errors { get; }

    private static string Describe(IReadOnlyList<DatasetError> errors)
    {
        var listing = DatasetError.Listing(errors);
        return $"{errors.Count} problem(s) in the review file; nothing was applied. Fix them and import again:{listing}";
    }
}
