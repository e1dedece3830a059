namespace LlmStrategies;

/// <summary>The named sections a prompt is made of.</summary>
public enum PromptSectionKind
{
    /// <summary>The system prompt.</summary>
    System,

    /// <summary>Task instructions.</summary>
    Instructions,

    /// <summary>Output-format instructions.</summary>
    OutputFormat,

    /// <summary>Worked examples.</summary>
    Examples,

    /// <summary>Earlier conversation turns.</summary>
    Conversation,

    /// <summary>Retrieved context with citation markers.</summary>
    Context,

    /// <summary>The question.</summary>
    Question,
}
