namespace LlmStrategies.Providers;

/// <summary>Which chat model a <see cref="ChatProviderOptions"/> selects.</summary>
public enum ChatProviderKind
{
    /// <summary>The deterministic offline extractive baseline (not a language model); needs no settings.</summary>
    Baseline,

    /// <summary>Any OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI v1, vLLM, llama.cpp server, LM Studio...).</summary>
    OpenAI,

    /// <summary>An Ollama server.</summary>
    Ollama,
}
