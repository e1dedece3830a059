using Microsoft.ML.Tokenizers;

namespace LlmStrategies.Prompting;

/// <summary>The tokenizers prompt budgets count with: OpenAI's tiktoken encodings, loaded once from their data packages.</summary>
public static class PromptTokenizers
{
    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));
    private static readonly Lazy<Tokenizer> Cl100k = new(() => TiktokenTokenizer.CreateForEncoding("cl100k_base"));

    /// <summary>Gets the o200k_base encoding (GPT-4o, GPT-4.1, o-series models).</summary>
    public static Tokenizer O200kBase => O200k.Value;

    /// <summary>Gets the cl100k_base encoding (GPT-4, GPT-3.5, text-embedding-3 models).</summary>
    public static Tokenizer Cl100kBase => Cl100k.Value;
}
