namespace LlmStrategies;

/// <summary>One rendered section of a prompt.</summary>
public sealed class PromptSection
{
    /// <summary>Gets which section this is.</summary>
    public required PromptSectionKind Kind { get; init; }

    /// <summary>Gets the rendered text of the section.</summary>
    public required string Text { get; init; }

    /// <summary>Gets a value indicating whether the section is byte-identical across calls (part of the cacheable prefix).</summary>
    public bool IsStable { get; init; }

    /// <summary>Gets the section's token count, when the builder has a tokenizer; otherwise <see langword="null"/>.</summary>
    public int? TokenCount { get; init; }
}
