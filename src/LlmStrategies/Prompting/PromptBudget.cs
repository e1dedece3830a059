namespace LlmStrategies.Prompting;

/// <summary>
/// Token limits for a prompt, in total and per droppable section. The question, the system prompt, the instructions and
/// the output format are never cut; when they alone exceed the total, building fails with
/// <see cref="PromptBudgetExceededException"/>.
/// </summary>
public sealed class PromptBudget
{
    /// <summary>Gets or sets the most tokens the whole prompt may take (messages and per-message overhead), or <see langword="null"/> for no limit.</summary>
    public int? MaxTotalTokens { get; set; }

    /// <summary>Gets or sets the most tokens the worked examples may take, or <see langword="null"/>.</summary>
    public int? MaxExampleTokens { get; set; }

    /// <summary>Gets or sets the most tokens the retrieved context may take, or <see langword="null"/>.</summary>
    public int? MaxContextTokens { get; set; }

    /// <summary>Gets or sets the most tokens earlier conversation turns may take, or <see langword="null"/>.</summary>
    public int? MaxConversationTokens { get; set; }

    /// <summary>
    /// Gets or sets which sections give way, in order, when the total is over budget: each loses its lowest-ranked item
    /// (the example with the lowest score, the context chunk ranked last, the oldest conversation turn) until the prompt
    /// fits. Default: examples, then context, then conversation.
    /// </summary>
    public IReadOnlyList<PromptSectionKind> DropOrder { get; set; } = [PromptSectionKind.Examples, PromptSectionKind.Context, PromptSectionKind.Conversation];
}
