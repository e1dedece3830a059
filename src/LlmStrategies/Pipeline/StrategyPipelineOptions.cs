using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Pipeline;

/// <summary>
/// Settings of a strategy pipeline. Registered with DI by <c>AddLlmStrategies</c> as the defaults of every pipeline and
/// validated at start-up; a pipeline built by hand validates them in <see cref="StrategyPipelineBuilder.Build"/>.
/// </summary>
public sealed class StrategyPipelineOptions
{
    /// <summary>The largest allowed <see cref="MaxQuestionLength"/>.</summary>
    public const int QuestionLengthLimit = 1_000_000;

    /// <summary>The largest allowed <see cref="MaxRepairAttempts"/>.</summary>
    public const int RepairAttemptsLimit = 10;

    /// <summary>Gets or sets the system prompt (the model's role), or <see langword="null"/>. Default <see langword="null"/>.</summary>
    public string? SystemPrompt { get; set; }

    /// <summary>Gets or sets task instructions placed in the stable prompt prefix, or <see langword="null"/>. Default <see langword="null"/>.</summary>
    public string? Instructions { get; set; }

    /// <summary>Gets or sets output-format instructions placed in the stable prompt prefix, or <see langword="null"/>. Default <see langword="null"/>.</summary>
    public string? OutputFormat { get; set; }

    /// <summary>Gets or sets the longest question accepted, in characters; longer ones are rejected by input validation. Default 8,000.</summary>
    [ValueRange(1, QuestionLengthLimit, ErrorMessage = "MaxQuestionLength must be between 1 and 1,000,000 characters; it bounds the question a caller may send.")]
    public int MaxQuestionLength { get; set; } = 8_000;

    /// <summary>Gets or sets how many times an answer that fails output validation is sent back to the model for repair. Default 2.</summary>
    [ValueRange(0, RepairAttemptsLimit, ErrorMessage = "MaxRepairAttempts must be between 0 and 10; each attempt is one more model call per request.")]
    public int MaxRepairAttempts { get; set; } = 2;

    /// <summary>Gets or sets how many few-shot examples to select when a selector is configured. Default 3.</summary>
    [ValueRange(0, 100, ErrorMessage = "FewShotCount must be between 0 and 100 examples.")]
    public int FewShotCount { get; set; } = 3;

    /// <summary>Gets or sets how many chunks to retrieve when a retriever is configured. Default 5.</summary>
    [ValueRange(1, 1_000, ErrorMessage = "RetrievalTop must be between 1 and 1,000 chunks.")]
    public int RetrievalTop { get; set; } = 5;

    /// <summary>Gets or sets the instruction that opens a repair request; the validation errors follow it as a list.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "RepairInstruction must not be empty: the model needs to be told that its answer failed validation.")]
    public string RepairInstruction { get; set; } = "Your previous answer did not pass validation. Answer the question again, fixing every problem listed:";

    /// <summary>Gets or sets the chat options sent with every model call (model id, temperature, ...), or <see langword="null"/>.</summary>
    public ChatOptions? ChatOptions { get; set; }

    /// <summary>Copies every setting from <paramref name="other"/> (the chat options are cloned).</summary>
    /// <param name="other">The options to copy.</param>
    public void CopyFrom(StrategyPipelineOptions other)
    {
        ArgumentNullException.ThrowIfNull(other);
        SystemPrompt = other.SystemPrompt;
        Instructions = other.Instructions;
        OutputFormat = other.OutputFormat;
        MaxQuestionLength = other.MaxQuestionLength;
        MaxRepairAttempts = other.MaxRepairAttempts;
        FewShotCount = other.FewShotCount;
        RetrievalTop = other.RetrievalTop;
        RepairInstruction = other.RepairInstruction;
        ChatOptions = other.ChatOptions?.Clone();
    }
}
