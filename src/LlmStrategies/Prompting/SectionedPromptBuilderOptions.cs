using Microsoft.ML.Tokenizers;

namespace LlmStrategies.Prompting;

/// <summary>Settings of <see cref="SectionedPromptBuilder"/>.</summary>
public sealed class SectionedPromptBuilderOptions
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
    public int TokensPerMessage { get; set; } = 3;

    /// <summary>Gets or sets the tokens that prime the reply (3 in OpenAI's chat format). Default 3.</summary>
    public int ReplyPrimingTokens { get; set; } = 3;

    /// <summary>
    /// Gets or sets a value indicating whether the examples are the same on every call (a fixed selector), so they belong to
    /// the cacheable stable prefix. Default <see langword="false"/>: examples chosen per input are variable.
    /// </summary>
    public bool ExamplesAreStable { get; set; }
}
