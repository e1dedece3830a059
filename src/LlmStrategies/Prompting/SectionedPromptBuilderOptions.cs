using System.ComponentModel.DataAnnotations;
using Microsoft.ML.Tokenizers;

namespace LlmStrategies.Prompting;

/// <summary>Settings of <see cref="SectionedPromptBuilder"/>. Validated (with the <see cref="Budget"/>) by a source-generated validator when the builder is created.</summary>
public sealed class SectionedPromptBuilderOptions : IValidatableObject
{
    /// <summary>
    /// Gets or sets the tokenizer that counts tokens (for example <c>PromptTokenizers.O200kBase</c> (package LlmStrategies.Tokenizers) or any
    /// Microsoft.ML.Tokenizers tokenizer matching your model); required for a <see cref="Budget"/>. Default none.
    /// </summary>
    public Tokenizer? Tokenizer { get; set; }

    /// <summary>Gets or sets the name of <see cref="Tokenizer"/> recorded in fingerprints (for example "o200k_base").</summary>
    public string? TokenizerName { get; set; }

    /// <summary>Gets or sets the token limits, or <see langword="null"/> for none (default).</summary>
    public PromptBudget? Budget { get; set; }

    /// <summary>Gets or sets the tokens each message adds for its role and separators (3 in OpenAI's chat format). Default 3.</summary>
    [ValueRange(0, 1_000, ErrorMessage = "SectionedPromptBuilderOptions.TokensPerMessage must be between 0 and 1,000 tokens (3 in OpenAI's chat format).")]
    public int TokensPerMessage { get; set; } = 3;

    /// <summary>Gets or sets the tokens that prime the reply (3 in OpenAI's chat format). Default 3.</summary>
    [ValueRange(0, 1_000, ErrorMessage = "SectionedPromptBuilderOptions.ReplyPrimingTokens must be between 0 and 1,000 tokens (3 in OpenAI's chat format).")]
    public int ReplyPrimingTokens { get; set; } = 3;

    /// <summary>
    /// Gets or sets a value indicating whether the examples are the same on every call (a fixed selector), so they belong to
    /// the cacheable stable prefix. Default <see langword="false"/>: examples chosen per input are variable.
    /// </summary>
    public bool ExamplesAreStable { get; set; }

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (Budget is not { } budget)
        {
            yield break;
        }

        if (Tokenizer is null)
        {
            yield return new ValidationResult("A PromptBudget needs SectionedPromptBuilderOptions.Tokenizer to count tokens; set it (for example PromptTokenizers.O200kBase from the LlmStrategies.Tokenizers package, or any Microsoft.ML.Tokenizers Tokenizer) or remove the budget.", [nameof(Tokenizer)]);
        }

        foreach (var (name, value) in new[] { ("MaxTotalTokens", budget.MaxTotalTokens), ("MaxExampleTokens", budget.MaxExampleTokens), ("MaxContextTokens", budget.MaxContextTokens), ("MaxConversationTokens", budget.MaxConversationTokens) })
        {
            if (value is < 0)
            {
                yield return new ValidationResult($"SectionedPromptBuilderOptions.Budget.{name} is {value}; a token limit must be zero or more.", [nameof(Budget)]);
            }
        }

        if (budget.DropOrder is null)
        {
            yield return new ValidationResult("SectionedPromptBuilderOptions.Budget.DropOrder must not be null; list the sections that give way (Examples, Context, Conversation).", [nameof(Budget)]);
        }
        else if (budget.DropOrder.Any(k => k is not (PromptSectionKind.Examples or PromptSectionKind.Context or PromptSectionKind.Conversation)))
        {
            yield return new ValidationResult("SectionedPromptBuilderOptions.Budget.DropOrder may only name Examples, Context and Conversation: the system prompt, instructions, output format and question are never cut.", [nameof(Budget)]);
        }
    }
}
