using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using LlmStrategies.IO;

namespace LlmStrategies.Evaluation;

/// <summary>
/// Which item of a dataset is in train, dev and test, with the seed and settings that produced it and the
/// fingerprints of the data. Saved next to experiment results so every strategy is scored on exactly the same items.
/// </summary>
public sealed class SplitManifest
{
    /// <summary>The schema name written into manifest files.</summary>
    public const string Schema = "llmstrategies.split-manifest";

    /// <summary>The manifest file format version this library writes and reads.</summary>
    public const int Version = 1;

    internal SplitManifest(string datasetName, string datasetFingerprint, SplitOptions options, IReadOnlyList<string> train, IReadOnlyList<string> dev, IReadOnlyList<string> test, string trainFingerprint, string devFingerprint, string testFingerprint)
    {
        DatasetName = datasetName;
        DatasetFingerprint = datasetFingerprint;
        Seed = options.Seed;
        TrainFraction = options.TrainFraction;
        DevFraction = options.DevFraction;
        TestFraction = options.TestFraction;
        StratifyByLabel = options.StratifyByLabel;
        GroupBy = options.GroupBy;
        Train = train;
        Dev = dev;
        Test = test;
        TrainFingerprint = trainFingerprint;
        DevFingerprint = devFingerprint;
        TestFingerprint = testFingerprint;
    }

    /// <summary>Gets the name of the dataset that was split.</summary>
    public string DatasetName { get; }

    /// <summary>Gets the content fingerprint of the dataset that was split.</summary>
    public string DatasetFingerprint { get; }

    /// <summary>Gets the seed.</summary>
    public int Seed { get; }

    /// <summary>Gets the requested training fraction.</summary>
    public double TrainFraction { get; }

    /// <summary>Gets the requested development fraction.</summary>
    public double DevFraction { get; }

    /// <summary>Gets the requested test fraction.</summary>
    public double TestFraction { get; }

    /// <summary>Gets a value indicating whether the split was stratified by label.</summary>
    public bool StratifyByLabel { get; }

    /// <summary>Gets the metadata field that kept items together, or <see langword="null"/>.</summary>
    public string? GroupBy { get; }

    /// <summary>Gets the training item ids, in dataset order.</summary>
    public IReadOnlyList<string> Train { get; }

    /// <summary>Gets the development item ids, in dataset order.</summary>
    public IReadOnlyList<string> Dev { get; }

    /// <summary>Gets the test item ids, in dataset order.</summary>
    public IReadOnlyList<string> Test { get; }

    /// <summary>Gets the content fingerprint of the training items.</summary>
    public string TrainFingerprint { get; }

    /// <summary>Gets the content fingerprint of the development items.</summary>
    public string DevFingerprint { get; }

    /// <summary>Gets the content fingerprint of the test items (record it with every result scored on them).</summary>
    public string TestFingerprint { get; }

    /// <summary>Loads a manifest saved by <see cref="Save"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="DatasetFormatException">The file is not a split manifest of a supported version, or is corrupt.</exception>
    public static SplitManifest Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.RemoveOrphans(path);
        var bytes = Utf8TextFile.ReadAllBytes(path);
        if (Utf8TextFile.FindInvalid(bytes) is { } invalid)
        {
            throw new DatasetFormatException(string.Create(CultureInfo.InvariantCulture, $"'{path}' line {invalid.Line} is not valid UTF-8 (byte {invalid.Column} of the line); a split manifest is UTF-8 JSON. Re-create it with DatasetSplitter.Split and SplitManifest.Save."));
        }

        SplitManifestFile? file;
        try
        {
            file = JsonSerializer.Deserialize(bytes, EvaluationJsonContext.Default.SplitManifestFile);
        }
        catch (JsonException ex)
        {
            throw new DatasetFormatException($"'{path}' is not a split manifest: {ex.Message} Re-create it with DatasetSplitter.Split and SplitManifest.Save.", ex);
        }

        if (file is null || file.Schema != Schema)
        {
            throw new DatasetFormatException($"'{path}' is not a split manifest (its schema is '{file?.Schema}', expected '{Schema}').");
        }

        if (file.Version != Version)
        {
            throw new DatasetFormatException($"'{path}' is a split manifest of version {file.Version}; this library reads version {Version}. Re-create it with this version.");
        }

        if (file.DatasetName is null || file.DatasetFingerprint is null || file.Train is null || file.Dev is null || file.Test is null)
        {
            throw new DatasetFormatException($"'{path}' is a truncated split manifest (a required field is missing); re-create it.");
        }

        foreach (var (part, ids) in new[] { ("train", file.Train), ("dev", file.Dev), ("test", file.Test) })
        {
            var blank = ids.FindIndex(string.IsNullOrEmpty);
            if (blank >= 0)
            {
                throw new DatasetFormatException(string.Create(CultureInfo.InvariantCulture, $"'{path}': \"{part}\"[{blank}] is {(ids[blank] is null ? "null" : "empty")}; every entry of a split must be an item id. Re-create the manifest with DatasetSplitter.Split."));
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var repeated = file.Train.Concat(file.Dev).Concat(file.Test).FirstOrDefault(id => !seen.Add(id));
        if (repeated is not null)
        {
            throw new DatasetFormatException($"'{path}' lists item '{repeated}' twice (in one split or in two); a split manifest is a partition. Re-create it with DatasetSplitter.Split.");
        }

        var options = new SplitOptions
        {
            Seed = file.Seed,
            TrainFraction = file.TrainFraction,
            DevFraction = file.DevFraction,
            TestFraction = file.TestFraction,
            StratifyByLabel = file.StratifyByLabel,
            GroupBy = file.GroupBy,
        };
        return new SplitManifest(file.DatasetName, file.DatasetFingerprint, options, file.Train, file.Dev, file.Test, file.TrainFingerprint ?? string.Empty, file.DevFingerprint ?? string.Empty, file.TestFingerprint ?? string.Empty);
    }

    /// <summary>Saves the manifest as JSON, atomically.</summary>
    /// <param name="path">The file.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var file = new SplitManifestFile
        {
            Schema = Schema,
            Version = Version,
            DatasetName = DatasetName,
            DatasetFingerprint = DatasetFingerprint,
            Seed = Seed,
            TrainFraction = TrainFraction,
            DevFraction = DevFraction,
            TestFraction = TestFraction,
            StratifyByLabel = StratifyByLabel,
            GroupBy = GroupBy,
            TrainFingerprint = TrainFingerprint,
            DevFingerprint = DevFingerprint,
            TestFingerprint = TestFingerprint,
            Train = [.. Train],
            Dev = [.. Dev],
            Test = [.. Test],
        };
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(file, EvaluationJsonContext.Default.SplitManifestFile));
    }

    /// <summary>Divides <paramref name="dataset"/> as this manifest says.</summary>
    /// <param name="dataset">The dataset; it must be the one the manifest was made from.</param>
    /// <returns>The splits.</returns>
    /// <exception cref="DatasetFormatException">The dataset's content fingerprint differs from the one recorded (the data changed since the split).</exception>
    public DatasetSplits Apply(EvaluationDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!string.Equals(dataset.Fingerprint, DatasetFingerprint, StringComparison.Ordinal))
        {
            throw new DatasetFormatException(
                $"The split manifest was made for dataset '{DatasetName}' with fingerprint {DatasetFingerprint}, but '{dataset.Name}' has fingerprint {dataset.Fingerprint}: the data changed since the split. " +
                "Scores on a different test set are not comparable; restore the original data or make (and record) a new split.");
        }

        return new DatasetSplits(this, dataset.Subset(dataset.Name + "/train", Train), dataset.Subset(dataset.Name + "/dev", Dev), dataset.Subset(dataset.Name + "/test", Test));
    }

    internal sealed class SplitManifestFile
    {
        [JsonPropertyName("schema")]
        public string? Schema { get; set; }

        [JsonPropertyName("version")]
        public int Version { get; set; }

        [JsonPropertyName("datasetName")]
        public string? DatasetName { get; set; }

        [JsonPropertyName("datasetFingerprint")]
        public string? DatasetFingerprint { get; set; }

        [JsonPropertyName("seed")]
        public int Seed { get; set; }

        [JsonPropertyName("trainFraction")]
        public double TrainFraction { get; set; }

        [JsonPropertyName("devFraction")]
        public double DevFraction { get; set; }

        [JsonPropertyName("testFraction")]
        public double TestFraction { get; set; }

        [JsonPropertyName("stratifyByLabel")]
        public bool StratifyByLabel { get; set; }

        [JsonPropertyName("groupBy")]
        public string? GroupBy { get; set; }

        [JsonPropertyName("trainFingerprint")]
        public string? TrainFingerprint { get; set; }

        [JsonPropertyName("devFingerprint")]
        public string? DevFingerprint { get; set; }

        [JsonPropertyName("testFingerprint")]
        public string? TestFingerprint { get; set; }

        [JsonPropertyName("train")]
        public List<string>? Train { get; set; }

        [JsonPropertyName("dev")]
        public List<string>? Dev { get; set; }

        [JsonPropertyName("test")]
        public List<string>? Test { get; set; }
    }
}

/// <summary>Source-generated JSON metadata for the evaluation files (trimming- and AOT-safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SplitManifest.SplitManifestFile))]
internal sealed partial class EvaluationJsonContext : JsonSerializerContext;
