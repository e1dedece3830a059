using Microsoft.Extensions.AI;

namespace LlmStrategies;

/// <summary>A request to a strategy: the question and what surrounds it.</summary>
public sealed class StrategyRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="question">The user's question. Empty or over-long questions are rejected by input validation with a result, not an exception.</param>
    /// <exception cref="ArgumentNullException"><paramref name="question"/> is <see langword="null"/>.</exception>
    public StrategyRequest(string question)
    {
        ArgumentNullException.ThrowIfNull(question);
        Question = question;
    }

    /// <summary>Gets the user's question.</summary>
    public string Question { get; }

    /// <summary>Gets an identifier for logs and experiment records (for example a test item id), or <see langword="null"/>.</summary>
    public string? Id { get; init; }

    /// <summary>Gets earlier conversation turns, oldest first.</summary>
    public IReadOnlyList<ChatMessage> Conversation { get; init; } = [];

    /// <summary>Gets the metadata filter applied to retrieval and few-shot selection, or <see langword="null"/>.</summary>
    public MetadataFilter? Filter { get; init; }
}
