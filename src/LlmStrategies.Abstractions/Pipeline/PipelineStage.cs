namespace LlmStrategies;

/// <summary>The stages of a strategy pipeline, in the order they run.</summary>
public enum PipelineStage
{
    /// <summary>Input validation.</summary>
    InputValidation,

    /// <summary>Moderation, policy and routing filters.</summary>
    Filtering,

    /// <summary>Few-shot example selection (runs concurrently with retrieval).</summary>
    FewShotSelection,

    /// <summary>Retrieval (runs concurrently with few-shot selection).</summary>
    Retrieval,

    /// <summary>Prompt building.</summary>
    PromptBuilding,

    /// <summary>The model call (one per attempt).</summary>
    ModelCall,

    /// <summary>Output validation (one per attempt).</summary>
    OutputValidation,
}
