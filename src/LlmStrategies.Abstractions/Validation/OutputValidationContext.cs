using Microsoft.Extensions.AI;

namespace LlmStrategies;

/// <summary>An answer to validate and what produced it.</summary>
public sealed class OutputValidationContext
{
    /// <summary>Gets the request being answered.</summary>
    public required StrategyRequest Request { get; init; }

    /// <summary>Gets the prompt that was sent.</summary>
    public required BuiltPrompt Prompt { get; init; }

    /// <summary>Gets the model's answer text.</summary>
    public required string Answer { get; init; }

    /// <summary>Gets the model's full response.</summary>
    public required ChatResponse Response { get; init; }

    /// <summary>Gets the repair attempt this answer came from: 0 for the first answer.</summary>
    public int Attempt { get; init; }
}
