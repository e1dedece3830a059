namespace LlmStrategies.Evaluation;

/// <summary>How <see cref="DatasetLoader"/> reads a dataset file.</summary>
public sealed class DatasetLoadOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether malformed records are collected into <see cref="EvaluationDataset.Errors"/>
    /// instead of failing the load. Default <see langword="false"/>: any malformed record fails the load with a
    /// <see cref="DatasetFormatException"/> listing every problem.
    /// </summary>
    public bool SkipInvalid { get; set; }

    /// <summary>Gets or sets the dataset name; default the file (or folder) name without extension.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the JSONL field / CSV column holding the item id. Default "id"; when absent, the id is a hash of the input.</summary>
    public string IdField { get; set; } = "id";

    /// <summary>Gets or sets the field / column holding the input. Default "input".</summary>
    public string InputField { get; set; } = "input";

    /// <summary>Gets or sets the field / column holding the expected output(s): a string or, in JSONL, an array of strings. Default "expected".</summary>
    public string ExpectedField { get; set; } = "expected";

    /// <summary>Gets or sets the field / column holding the optional label. Default "label".</summary>
    public string LabelField { get; set; } = "label";

    /// <summary>Gets or sets the JSONL field holding an object of metadata. Default "metadata". Other unknown scalar fields (and CSV columns) become metadata too.</summary>
    public string MetadataField { get; set; } = "metadata";

    /// <summary>Gets or sets the JSONL field holding relevance judgments: an object of document id → grade, or an array of document ids (grade 1). Default "relevant".</summary>
    public string RelevantField { get; set; } = "relevant";

    /// <summary>Gets or sets a value indicating whether every item needs at least one expected output (JSONL, CSV). Default <see langword="true"/>.</summary>
    public bool RequireExpected { get; set; } = true;

    /// <summary>Gets or sets the separator between several expected outputs in one CSV cell. Default "|".</summary>
    public string CsvAnswerSeparator { get; set; } = "|";

    /// <summary>Gets or sets the BEIR qrels split to load (<c>qrels/{split}.tsv</c>). Default "test".</summary>
    public string BeirSplit { get; set; } = "test";
}
