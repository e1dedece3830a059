using LlmStrategies.Prompting;
using Microsoft.ML.Tokenizers;

namespace LlmStrategies.FineTuning.TrainingData;

/// <summary>Limits and rules for <see cref="TrainingDataValidator"/>. The defaults follow OpenAI's published fine-tuning limits.</summary>
public sealed class TrainingDataValidationOptions
{
    /// <summary>Gets or sets the tokenizer examples are counted with. Default: o200k_base (GPT-4o and later).</summary>
    public Tokenizer Tokenizer { get; set; } = PromptTokenizers.O200kBase;

    /// <summary>Gets or sets the name of <see cref="Tokenizer"/> shown in reports. Default "o200k_base".</summary>
    public string TokenizerName { get; set; } = "o200k_base";

    /// <summary>Gets or sets the fewest valid examples a file must have. Default 10 (OpenAI's minimum).</summary>
    public int MinimumExamples { get; set; } = 10;

    /// <summary>Gets or sets the most tokens one example may have. Default 65,536 (OpenAI's limit for GPT-4o-mini training examples).</summary>
    public int MaxTokensPerExample { get; set; } = 65_536;

    /// <summary>Gets or sets the most tokens the whole file may have, or <see langword="null"/> for no limit (the default).</summary>
    public long? MaxTotalTokens { get; set; }

    /// <summary>Gets the roles a message may have. Default: system, developer, user, assistant.</summary>
    public ISet<string> AllowedRoles { get; } = new HashSet<string>(StringComparer.Ordinal) { "system", "developer", "user", "assistant" };
}
