using Microsoft.Extensions.AI;

namespace LlmStrategies;

/// <summary>A rendered prompt: the messages to send and what went into them.</summary>
public sealed class BuiltPrompt
{
    /// <summary>Gets the messages to send to the model, in order.</summary>
    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    /// <summary>Gets the rendered sections, in prompt order.</summary>
    public IReadOnlyList<PromptSection> Sections { get; init; } = [];

    /// <summary>Gets the examples that made it into the prompt (a budget may have dropped some).</summary>
    public IReadOnlyList<FewShotExample> IncludedExamples { get; init; } = [];

    /// <summary>Gets the context chunks that made it into the prompt (a budget may have dropped some).</summary>
    public IReadOnlyList<RetrievedChunk> IncludedContext { get; init; } = [];

    /// <summary>
    /// Gets the lowercase hexadecimal SHA-256 of the stable prefix (the leading sections that are identical across calls),
    /// so callers can check that provider-side prompt caching can work.
    /// </summary>
    public required string StablePrefixHash { get; init; }

    /// <summary>Gets the length in characters of the stable prefix.</summary>
    public int StablePrefixLength { get; init; }

    /// <summary>Gets the stable prefix's token count when the builder has a tokenizer; otherwise <see langword="null"/>.</summary>
    public int? StablePrefixTokenCount { get; init; }

    /// <summary>Gets the whole prompt's token count when the builder has a tokenizer; otherwise <see langword="null"/>.</summary>
    public int? TokenCount { get; init; }
}
