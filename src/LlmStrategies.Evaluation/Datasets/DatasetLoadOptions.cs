using System.ComponentModel.DataAnnotations;

namespace LlmStrategies.Evaluation;

/// <summary>
/// How <see cref="DatasetLoader"/> reads a dataset file. Validated by a source-generated validator when a load starts;
/// a field option set to a name that no record (JSONL) or header (CSV) has fails the load, naming the fields that exist.
/// </summary>
public sealed class DatasetLoadOptions : IValidatableObject
{
    /// <summary>The default of <see cref="IdField"/>.</summary>
    internal const string DefaultIdField = "id";

    /// <summary>The default of <see cref="ExpectedField"/>.</summary>
    internal const string DefaultExpectedField = "expected";

    /// <summary>The default of <see cref="LabelField"/>.</summary>
    internal const string DefaultLabelField = "label";

    /// <summary>The default of <see cref="MetadataField"/>.</summary>
    internal const string DefaultMetadataField = "metadata";

    /// <summary>The default of <see cref="RelevantField"/>.</summary>
    internal const string DefaultRelevantField = "relevant";

    /// <summary>
    /// Gets or sets a value indicating whether malformed records are collected into <see cref="EvaluationDataset.Errors"/>
    /// instead of failing the load. Default <see langword="false"/>: any malformed record fails the load with a
    /// <see cref="DatasetFormatException"/> listing every problem.
    /// </summary>
    public bool SkipInvalid { get; set; }

    /// <summary>Gets or sets the dataset name; default the file (or folder) name without extension.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the JSONL field / CSV column holding the item id. Default "id"; when absent, the id is a hash of the input.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "DatasetLoadOptions.IdField must not be null or empty; give a field or column name.")]
    public string IdField { get; set; } = DefaultIdField;

    /// <summary>Gets or sets the field / column holding the input. Default "input".</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "DatasetLoadOptions.InputField must not be null or empty; give a field or column name.")]
    public string InputField { get; set; } = "input";

    /// <summary>Gets or sets the field / column holding the expected output(s): a string or, in JSONL, an array of strings. Default "expected".</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "DatasetLoadOptions.ExpectedField must not be null or empty; give a field or column name.")]
    public string ExpectedField { get; set; } = DefaultExpectedField;

    /// <summary>Gets or sets the field / column holding the optional label. Default "label".</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "DatasetLoadOptions.LabelField must not be null or empty; give a field or column name.")]
    public string LabelField { get; set; } = DefaultLabelField;

    /// <summary>Gets or sets the JSONL field holding an object of metadata. Default "metadata". Other unknown scalar fields (and CSV columns) become metadata too.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "DatasetLoadOptions.MetadataField must not be null or empty; give a field or column name.")]
    public string MetadataField { get; set; } = DefaultMetadataField;

    /// <summary>Gets or sets the JSONL field holding relevance judgments: an object of document id → grade, or an array of document ids (grade 1). Default "relevant".</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "DatasetLoadOptions.RelevantField must not be null or empty; give a field or column name.")]
    public string RelevantField { get; set; } = DefaultRelevantField;

    /// <summary>Gets or sets a value indicating whether every item needs at least one expected output (JSONL, CSV). Default <see langword="true"/>.</summary>
    public bool RequireExpected { get; set; } = true;

    /// <summary>Gets or sets the separator between several expected outputs in one CSV cell. Default "|".</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "DatasetLoadOptions.CsvAnswerSeparator must not be null or empty; give a separator such as \"|\".")]
    public string CsvAnswerSeparator { get; set; } = "|";

    /// <summary>Gets or sets the BEIR qrels split to load (<c>qrels/{split}.tsv</c>). Default "test".</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "DatasetLoadOptions.BeirSplit must not be null or empty; give a qrels split name such as \"test\".")]
    public string BeirSplit { get; set; } = "test";

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        var fields = new (string Option, string? Value)[]
        {
            (nameof(IdField), IdField), (nameof(InputField), InputField), (nameof(ExpectedField), ExpectedField),
            (nameof(LabelField), LabelField), (nameof(MetadataField), MetadataField), (nameof(RelevantField), RelevantField),
        };
        foreach (var clash in fields.Where(f => f.Value is not null).GroupBy(f => f.Value, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult(
                $"DatasetLoadOptions.{string.Join(" and ", clash.Select(f => f.Option))} all name the field '{clash.Key}'; each must name a different field.",
                clash.Select(f => f.Option).ToArray());
        }

        if (BeirSplit is not null && BeirSplit.IndexOfAny(['/', '\\']) >= 0)
        {
            yield return new ValidationResult($"DatasetLoadOptions.BeirSplit '{BeirSplit}' must be a split name such as \"test\" (the file qrels/<split>.tsv), not a path.", [nameof(BeirSplit)]);
        }
    }

    /// <summary>The optional field options that were changed from their defaults: a name chosen on purpose must exist in the data.</summary>
    internal IEnumerable<(string Option, string Field)> ChosenOptionalFields()
    {
        foreach (var (option, value, standard) in new[]
        {
            (nameof(IdField), IdField, DefaultIdField), (nameof(ExpectedField), ExpectedField, DefaultExpectedField),
            (nameof(LabelField), LabelField, DefaultLabelField), (nameof(MetadataField), MetadataField, DefaultMetadataField),
            (nameof(RelevantField), RelevantField, DefaultRelevantField),
        })
        {
            if (!string.Equals(value, standard, StringComparison.Ordinal))
            {
                yield return (option, value);
            }
        }
    }
}
