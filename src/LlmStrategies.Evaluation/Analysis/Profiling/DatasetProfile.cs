using System.Text.Json.Serialization;
using LlmStrategies.Experiments;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// What a dataset holds, before any strategy runs on it: counts per split and group, lengths in tokens, script mix,
/// missing fields, label balance, exact and near-duplicate inputs (and conflicting gold among them) and, for RAG data,
/// whether each gold answer is in the corpus at all. Every figure is counted from the data; nothing is sampled.
/// </summary>
public sealed class DatasetProfile
{
    /// <summary>The schema name.</summary>
    public const string SchemaName = "llmstrategies.dataset-profile";

    /// <summary>The schema version this library writes and reads.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Gets the schema name.</summary>
    [JsonPropertyName("schema")]
    public string Schema { get; init; } = SchemaName;

    /// <summary>Gets the schema version.</summary>
    [JsonPropertyName("version")]
    public int Version { get; init; } = SchemaVersion;

    /// <summary>Gets the dataset (name, content fingerprint, items).</summary>
    [JsonPropertyName("dataset")]
    public required DatasetSummary Dataset { get; init; }

    /// <summary>Gets the number of corpus documents.</summary>
    [JsonPropertyName("corpusDocuments")]
    public int CorpusDocuments { get; init; }

    /// <summary>Gets the unit lengths are counted in ("o200k_base tokens", or "words" without a tokenizer).</summary>
    [JsonPropertyName("lengthUnit")]
    public required string LengthUnit { get; init; }

    /// <summary>Gets the splits (train, dev, test; or one "all" when no split was given), with their counts and lengths.</summary>
    [JsonPropertyName("splits")]
    public IReadOnlyList<SplitProfile> Splits { get; init; } = [];

    /// <summary>Gets the metadata field the groups come from, or <see langword="null"/> when items are not grouped.</summary>
    [JsonPropertyName("groupField")]
    public string? GroupField { get; init; }

    /// <summary>Gets the number of distinct groups.</summary>
    [JsonPropertyName("groupCount")]
    public int GroupCount { get; init; }

    /// <summary>Gets the distribution of items per group, or <see langword="null"/> when items are not grouped.</summary>
    [JsonPropertyName("groupSizes")]
    public LengthDistribution? GroupSizes { get; init; }

    /// <summary>Gets the largest groups with their counts per split (at most <see cref="DataWorkOptions.MaxListedItems"/>).</summary>
    [JsonPropertyName("groups")]
    public IReadOnlyList<ValueCount> Groups { get; init; } = [];

    /// <summary>Gets the input lengths over the whole dataset.</summary>
    [JsonPropertyName("inputLength")]
    public required LengthDistribution InputLength { get; init; }

    /// <summary>Gets the lengths of the first gold answer of each item that has one.</summary>
    [JsonPropertyName("answerLength")]
    public required LengthDistribution AnswerLength { get; init; }

    /// <summary>Gets the corpus document lengths, or <see langword="null"/> without a corpus.</summary>
    [JsonPropertyName("documentLength")]
    public LengthDistribution? DocumentLength { get; init; }

    /// <summary>
    /// Gets the script mix of the inputs: the dominant Unicode script of each input's letters (Latin, Cyrillic, Han...).
    /// This is not language identification: English and German are both Latin.
    /// </summary>
    [JsonPropertyName("scriptMix")]
    public IReadOnlyList<ValueCount> ScriptMix { get; init; } = [];

    /// <summary>Gets the inputs whose letters come from two or more scripts (each with at least 10 % of the letters).</summary>
    [JsonPropertyName("mixedScriptInputs")]
    public int MixedScriptInputs { get; init; }

    /// <summary>Gets the missing, empty or dangling fields.</summary>
    [JsonPropertyName("fieldGaps")]
    public IReadOnlyList<FieldGap> FieldGaps { get; init; } = [];

    /// <summary>Gets the label balance, or <see langword="null"/> when no item has a label.</summary>
    [JsonPropertyName("labels")]
    public LabelBalance? Labels { get; init; }

    /// <summary>Gets the exact and near-duplicate inputs and the conflicting gold among them.</summary>
    [JsonPropertyName("duplicates")]
    public required DuplicateSummary Duplicates { get; init; }

    /// <summary>Gets whether each gold answer is in the corpus, or <see langword="null"/> when the dataset has no corpus.</summary>
    [JsonPropertyName("answerability")]
    public AnswerabilitySummary? Answerability { get; init; }

    /// <summary>Gets notes (what was skipped and why).</summary>
    [JsonPropertyName("notes")]
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The profile as indented JSON.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => AnalysisJson.Serialize(this, AnalysisJsonContext.Default.DatasetProfile);

    /// <summary>Parses a profile written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="ExperimentFileException">The text is not a dataset profile of this version.</exception>
    public static DatasetProfile FromJson(string json) => AnalysisJson.Deserialize(json, SchemaName, SchemaVersion, AnalysisJsonContext.Default.DatasetProfile);
}

/// <summary>One split of a profiled dataset.</summary>
public sealed class SplitProfile
{
    /// <summary>Gets the split's name (train, dev, test, or all).</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Gets the number of items.</summary>
    [JsonPropertyName("items")]
    public int Items { get; init; }

    /// <summary>Gets the number of distinct groups, or <see langword="null"/> when items are not grouped.</summary>
    [JsonPropertyName("groups")]
    public int? Groups { get; init; }

    /// <summary>Gets the number of distinct labels.</summary>
    [JsonPropertyName("labels")]
    public int Labels { get; init; }

    /// <summary>Gets the input lengths.</summary>
    [JsonPropertyName("inputLength")]
    public required LengthDistribution InputLength { get; init; }

    /// <summary>Gets the first-gold-answer lengths.</summary>
    [JsonPropertyName("answerLength")]
    public required LengthDistribution AnswerLength { get; init; }
}

/// <summary>A distribution of counts (lengths in tokens, items per group): order statistics and a histogram.</summary>
public sealed class LengthDistribution
{
    /// <summary>Gets the number of values.</summary>
    [JsonPropertyName("n")]
    public int Count { get; init; }

    /// <summary>Gets the mean (NaN when empty).</summary>
    [JsonPropertyName("mean")]
    public double Mean { get; init; }

    /// <summary>Gets the smallest value.</summary>
    [JsonPropertyName("min")]
    public double Min { get; init; }

    /// <summary>Gets the 25th percentile (linear interpolation, type 7).</summary>
    [JsonPropertyName("p25")]
    public double P25 { get; init; }

    /// <summary>Gets the median.</summary>
    [JsonPropertyName("median")]
    public double Median { get; init; }

    /// <summary>Gets the 75th percentile.</summary>
    [JsonPropertyName("p75")]
    public double P75 { get; init; }

    /// <summary>Gets the 95th percentile.</summary>
    [JsonPropertyName("p95")]
    public double P95 { get; init; }

    /// <summary>Gets the largest value.</summary>
    [JsonPropertyName("max")]
    public double Max { get; init; }

    /// <summary>Gets the histogram: equal-width bins from <see cref="Min"/> to <see cref="Max"/>, each with its upper bound.</summary>
    [JsonPropertyName("histogram")]
    public IReadOnlyList<HistogramBin> Histogram { get; init; } = [];
}

/// <summary>One bin of a histogram: the values in (previous upper bound, <see cref="Upper"/>] (the first bin includes its lower bound).</summary>
public sealed class HistogramBin
{
    /// <summary>Gets the bin's inclusive upper bound.</summary>
    [JsonPropertyName("upper")]
    public double Upper { get; init; }

    /// <summary>Gets the number of values in the bin.</summary>
    [JsonPropertyName("count")]
    public int Count { get; init; }
}

/// <summary>A value (a group, a label, a script) with its count overall and per split.</summary>
public sealed class ValueCount
{
    /// <summary>Gets the value.</summary>
    [JsonPropertyName("value")]
    public required string Value { get; init; }

    /// <summary>Gets the count over the whole dataset.</summary>
    [JsonPropertyName("count")]
    public int Count { get; init; }

    /// <summary>Gets the share of the dataset.</summary>
    [JsonPropertyName("share")]
    public double Share { get; init; }

    /// <summary>Gets the count per split (only splits with at least one).</summary>
    [JsonPropertyName("perSplit")]
    public IReadOnlyDictionary<string, int> PerSplit { get; init; } = new Dictionary<string, int>();
}

/// <summary>A field that is missing, empty or points at nothing in some items.</summary>
public sealed class FieldGap
{
    /// <summary>Gets the field ("input", "expected", "label", "metadata.article", "relevant"...).</summary>
    [JsonPropertyName("field")]
    public required string Field { get; init; }

    /// <summary>Gets the number of affected items.</summary>
    [JsonPropertyName("items")]
    public int Items { get; init; }

    /// <summary>Gets what is wrong, in words.</summary>
    [JsonPropertyName("problem")]
    public required string Problem { get; init; }

    /// <summary>Gets some affected item ids.</summary>
    [JsonPropertyName("examples")]
    public IReadOnlyList<string> Examples { get; init; } = [];
}

/// <summary>How the labels are spread.</summary>
public sealed class LabelBalance
{
    /// <summary>Gets the number of distinct labels.</summary>
    [JsonPropertyName("classes")]
    public int Classes { get; init; }

    /// <summary>Gets the labelled items.</summary>
    [JsonPropertyName("labelled")]
    public int Labelled { get; init; }

    /// <summary>Gets the share of the most frequent label among labelled items.</summary>
    [JsonPropertyName("majorityShare")]
    public double MajorityShare { get; init; }

    /// <summary>Gets the Shannon entropy of the label distribution divided by log(classes): 1 is perfectly balanced (1 when there is one class).</summary>
    [JsonPropertyName("normalizedEntropy")]
    public double NormalizedEntropy { get; init; }

    /// <summary>Gets a value indicating whether the labels are the gold outputs (classification data) rather than group or stratification keys.</summary>
    [JsonPropertyName("labelIsGold")]
    public bool LabelIsGold { get; init; }

    /// <summary>Gets the most frequent labels with their counts per split (at most <see cref="DataWorkOptions.MaxListedItems"/>).</summary>
    [JsonPropertyName("counts")]
    public IReadOnlyList<ValueCount> Counts { get; init; } = [];
}

/// <summary>Exact and near-duplicate inputs.</summary>
public sealed class DuplicateSummary
{
    /// <summary>Gets how duplicates were found, in words.</summary>
    [JsonPropertyName("method")]
    public required string Method { get; init; }

    /// <summary>Gets the cosine threshold of near-duplicates, or <see langword="null"/> when no embeddings were used.</summary>
    [JsonPropertyName("nearThreshold")]
    public double? NearThreshold { get; init; }

    /// <summary>Gets the groups of items with the same normalised input.</summary>
    [JsonPropertyName("exactGroups")]
    public int ExactGroups { get; init; }

    /// <summary>Gets the items in those groups.</summary>
    [JsonPropertyName("exactItems")]
    public int ExactItems { get; init; }

    /// <summary>Gets the pairs of distinct normalised inputs at or above the near-duplicate threshold.</summary>
    [JsonPropertyName("nearPairs")]
    public int NearPairs { get; init; }

    /// <summary>Gets the duplicate groups and pairs whose items lie in different splits (leakage between splits).</summary>
    [JsonPropertyName("crossSplit")]
    public int CrossSplit { get; init; }

    /// <summary>Gets the exact duplicate groups whose items have different gold (no shared normalised answer, or different labels for classification data).</summary>
    [JsonPropertyName("conflictingGold")]
    public int ConflictingGold { get; init; }

    /// <summary>Gets the near-duplicate pairs whose items have different gold: mostly different questions on one topic, sometimes one question with two golds.</summary>
    [JsonPropertyName("nearConflictingGold")]
    public int NearConflictingGold { get; init; }

    /// <summary>Gets the test items with an exact duplicate (same normalised input) in another split.</summary>
    [JsonPropertyName("testItemsDuplicatedElsewhere")]
    public IReadOnlyList<string> TestItemsDuplicatedElsewhere { get; init; } = [];

    /// <summary>Gets the test items with a near-duplicate (and no exact duplicate) in another split: candidates to read, since similar embeddings can still ask different things.</summary>
    [JsonPropertyName("testItemsNearDuplicatedElsewhere")]
    public IReadOnlyList<string> TestItemsNearDuplicatedElsewhere { get; init; } = [];

    /// <summary>Gets the items in an exact duplicate group with conflicting gold.</summary>
    [JsonPropertyName("conflictingItems")]
    public IReadOnlyList<string> ConflictingItems { get; init; } = [];

    /// <summary>Gets the duplicates shown in reports: cross-split and conflicting first, then by similarity (at most <see cref="DataWorkOptions.MaxListedItems"/>).</summary>
    [JsonPropertyName("examples")]
    public IReadOnlyList<DuplicateGroup> Examples { get; init; } = [];
}

/// <summary>A set of duplicate inputs: an exact group or a near-duplicate pair.</summary>
public sealed class DuplicateGroup
{
    /// <summary>Gets "exact" or "near".</summary>
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    /// <summary>Gets the cosine similarity (1 for exact duplicates).</summary>
    [JsonPropertyName("similarity")]
    public double Similarity { get; init; }

    /// <summary>Gets a value indicating whether the items lie in different splits.</summary>
    [JsonPropertyName("crossSplit")]
    public bool CrossSplit { get; init; }

    /// <summary>Gets a value indicating whether the items' gold differs.</summary>
    [JsonPropertyName("conflictingGold")]
    public bool ConflictingGold { get; init; }

    /// <summary>Gets the items.</summary>
    [JsonPropertyName("items")]
    public IReadOnlyList<ItemReference> Items { get; init; } = [];
}

/// <summary>An item named in a finding: id, split, input and gold, so a report can show it without the dataset.</summary>
public sealed class ItemReference
{
    /// <summary>Gets the id.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>Gets the split.</summary>
    [JsonPropertyName("split")]
    public required string Split { get; init; }

    /// <summary>Gets the input.</summary>
    [JsonPropertyName("input")]
    public required string Input { get; init; }

    /// <summary>Gets the gold answers (or the label for classification data).</summary>
    [JsonPropertyName("gold")]
    public IReadOnlyList<string> Gold { get; init; } = [];
}

/// <summary>Whether each item's gold answer occurs in the corpus (SQuAD-normalised whole-word containment, as <see cref="ContainsEvaluator"/> scores).</summary>
public sealed class AnswerabilitySummary
{
    /// <summary>Gets the items with at least one non-empty gold answer.</summary>
    [JsonPropertyName("checked")]
    public int Checked { get; init; }

    /// <summary>Gets the items whose answer is in one of their gold passages (relevant documents).</summary>
    [JsonPropertyName("inGoldPassage")]
    public int InGoldPassage { get; init; }

    /// <summary>Gets the items with gold passages whose answer is not in them but is in other documents (a judgment or gold problem).</summary>
    [JsonPropertyName("onlyInOtherDocuments")]
    public int OnlyInOtherDocuments { get; init; }

    /// <summary>Gets the items without gold passages whose answer is somewhere in the corpus.</summary>
    [JsonPropertyName("inCorpusWithoutGoldPassage")]
    public int InCorpusWithoutGoldPassage { get; init; }

    /// <summary>Gets the items whose answer is in no document: retrieval cannot fix them.</summary>
    [JsonPropertyName("notInCorpus")]
    public int NotInCorpus { get; init; }

    /// <summary>Gets the items with no gold answer to look for.</summary>
    [JsonPropertyName("noGold")]
    public int NoGold { get; init; }

    /// <summary>Gets the items whose answer is in no document (all of them).</summary>
    [JsonPropertyName("notInCorpusItems")]
    public IReadOnlyList<string> NotInCorpusItems { get; init; } = [];

    /// <summary>Gets examples of items that are not answerable from their gold passage, with the documents that do contain the answer.</summary>
    [JsonPropertyName("examples")]
    public IReadOnlyList<AnswerLocation> Examples { get; init; } = [];
}

/// <summary>Where one item's gold answer was found.</summary>
public sealed class AnswerLocation
{
    /// <summary>Gets the item.</summary>
    [JsonPropertyName("item")]
    public required ItemReference Item { get; init; }

    /// <summary>Gets the status: in-gold-passage, only-in-other-documents, in-corpus-without-gold-passage, not-in-corpus or no-gold.</summary>
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    /// <summary>Gets the number of documents that contain the answer.</summary>
    [JsonPropertyName("documentCount")]
    public int DocumentCount { get; init; }

    /// <summary>Gets the first documents (in corpus order) that contain the answer.</summary>
    [JsonPropertyName("documents")]
    public IReadOnlyList<string> Documents { get; init; } = [];
}
