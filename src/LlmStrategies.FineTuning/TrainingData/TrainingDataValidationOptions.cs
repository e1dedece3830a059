using System.ComponentModel.DataAnnotations;
using LlmStrategies.Prompting;
using Microsoft.ML.Tokenizers;

namespace LlmStrategies.FineTuning.TrainingData;

/// <summary>
/// Limits and rules for <see cref="TrainingDataValidator"/>. The defaults follow OpenAI's published fine-tuning limits.
/// Validated by a source-generated validator when a validator is created.
/// </summary>
public sealed class TrainingDataValidationOptions : IValidatableObject
{
    /// <summary>Gets or sets the tokenizer examples are counted with. Default: o200k_base (GPT-4o and later).</summary>
    [Required(ErrorMessage = "TrainingDataValidationOptions.Tokenizer must be set, for example to PromptTokenizers.O200kBase.")]
    public Tokenizer Tokenizer { get; set; } = PromptTokenizers.O200kBase;

    /// <summary>Gets or sets the name of <see cref="Tokenizer"/> shown in reports. Default "o200k_base".</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "TrainingDataValidationOptions.TokenizerName must not be empty; it names the tokenizer in reports.")]
    public string TokenizerName { get; set; } = "o200k_base";

    /// <summary>Gets or sets the fewest valid examples a file must have. Default 10 (OpenAI's minimum).</summary>
    [ValueRange(0, int.MaxValue, ErrorMessage = "TrainingDataValidationOptions.MinimumExamples must be zero or more.")]
    public int MinimumExamples { get; set; } = 10;

    /// <summary>Gets or sets the most tokens one example may have. Default 65,536 (OpenAI's limit for GPT-4o-mini training examples).</summary>
    [ValueRange(1, int.MaxValue, ErrorMessage = "TrainingDataValidationOptions.MaxTokensPerExample must be at least 1 token.")]
    public int MaxTokensPerExample { get; set; } = 65_536;

    /// <summary>Gets or sets the most tokens the whole file may have, or <see langword="null"/> for no limit (the default).</summary>
    [ValueRange(1L, long.MaxValue, ErrorMessage = "TrainingDataValidationOptions.MaxTotalTokens must be at least 1 token, or null for no limit.")]
    public long? MaxTotalTokens { get; set; }

    /// <summary>Gets the roles a message may have. Default: system, developer, user, assistant.</summary>
    public ISet<string> AllowedRoles { get; } = new HashSet<string>(StringComparer.Ordinal) { "system", "developer", "user", "assistant" };

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (AllowedRoles.Count == 0 || AllowedRoles.Any(string.IsNullOrWhiteSpace))
        {
            yield return new ValidationResult("TrainingDataValidationOptions.AllowedRoles must list at least one role and no empty ones, for example user and assistant.", [nameof(AllowedRoles)]);
        }
    }
}
