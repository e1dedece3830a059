using Microsoft.Extensions.AI;

namespace LlmStrategies;

/// <summary>Everything a strategy run produced: the answer and how it was reached.</summary>
public sealed class StrategyResult
{
    /// <summary>Gets the name of the strategy that ran.</summary>
    public required string StrategyName { get; init; }

    /// <summary>Gets the fingerprint of the strategy that ran.</summary>
    public required StrategyFingerprint Fingerprint { get; init; }

    /// <summary>Gets how the run ended.</summary>
    public required StrategyOutcome Outcome { get; init; }

    /// <summary>
    /// Gets the answer: the model's (validated) answer, the last answer when <see cref="StrategyOutcome.OutputRejected"/>,
    /// the refusal message when <see cref="StrategyOutcome.Refused"/>, or <see langword="null"/> when the input was rejected.
    /// </summary>
    public string? Answer { get; init; }

    /// <summary>Gets the request as later stages saw it (a filter may have rewritten it).</summary>
    public required StrategyRequest Request { get; init; }

    /// <summary>Gets the prompt that was sent (first attempt), or <see langword="null"/> when the model was not called.</summary>
    public BuiltPrompt? Prompt { get; init; }

    /// <summary>Gets every message sent on the last model call, including repair turns.</summary>
    public IReadOnlyList<ChatMessage> SentMessages { get; init; } = [];

    /// <summary>Gets the retrieved chunks that were put into the prompt (the answer's citable sources).</summary>
    public IReadOnlyList<RetrievedChunk> Sources { get; init; } = [];

    /// <summary>Gets the few-shot examples that were put into the prompt.</summary>
    public IReadOnlyList<FewShotExample> Examples { get; init; } = [];

    /// <summary>Gets the token usage summed over every model call of the run (first answer and repairs).</summary>
    public UsageDetails Usage { get; init; } = new();

    /// <summary>Gets how long each stage took, in the order the stages ran.</summary>
    public IReadOnlyList<StageTiming> Timings { get; init; } = [];

    /// <summary>Gets the wall time of the whole run.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Gets the input validation outcome.</summary>
    public ValidationOutcome InputValidation { get; init; } = ValidationOutcome.Valid;

    /// <summary>Gets the filter decision that refused the request, when <see cref="StrategyOutcome.Refused"/>.</summary>
    public FilterDecision? Refusal { get; init; }

    /// <summary>Gets the output validation outcome of the final answer, or <see langword="null"/> when the model was not called.</summary>
    public ValidationOutcome? OutputValidation { get; init; }

    /// <summary>Gets how many repair calls were made after the first answer.</summary>
    public int RepairAttempts { get; init; }

    /// <summary>Gets the model's final response, or <see langword="null"/> when the model was not called.</summary>
    public ChatResponse? Response { get; init; }

    /// <summary>
    /// Gets why this result came from a fallback strategy (the failing strategy, stage and error), or <see langword="null"/>
    /// when the strategy named in <see cref="StrategyName"/> answered as configured.
    /// </summary>
    public string? FallbackReason { get; init; }

    /// <summary>Gets the id of the model that answered, as reported by the response or the client.</summary>
    public string? ModelId { get; init; }
}
