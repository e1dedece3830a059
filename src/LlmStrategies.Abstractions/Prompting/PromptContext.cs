using Microsoft.Extensions.AI;

namespace LlmStrategies;

/// <summary>Everything a prompt may contain, before it is rendered by an <see cref="IPromptBuilder"/>.</summary>
public sealed class PromptContext
{
    /// <summary>Gets the question to answer; never cut by a builder.</summary>
    public required string Question { get; init; }

    /// <summary>Gets the system prompt (the model's role), or <see langword="null"/>.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Gets task instructions, or <see langword="null"/>; never cut by a builder.</summary>
    public string? Instructions { get; init; }

    /// <summary>Gets instructions describing the required output format (for example a JSON schema), or <see langword="null"/>.</summary>
    public string? OutputFormat { get; init; }

    /// <summary>Gets the worked examples, in prompt order.</summary>
    public IReadOnlyList<FewShotExample> Examples { get; init; } = [];

    /// <summary>Gets the retrieved context chunks, best first.</summary>
    public IReadOnlyList<RetrievedChunk> Context { get; init; } = [];

    /// <summary>Gets earlier conversation turns, oldest first.</summary>
    public IReadOnlyList<ChatMessage> Conversation { get; init; } = [];
}
