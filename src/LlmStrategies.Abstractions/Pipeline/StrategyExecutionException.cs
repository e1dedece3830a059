namespace LlmStrategies;

/// <summary>A component of a strategy (retriever, selector, prompt builder, model, validator or filter) failed.</summary>
public sealed class StrategyExecutionException : Exception
{
    /// <summary>Creates an exception.</summary>
    public StrategyExecutionException()
        : this("A strategy stage failed.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public StrategyExecutionException(string message)
        : base(message)
    {
        StrategyName = string.Empty;
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public StrategyExecutionException(string message, Exception innerException)
        : base(message, innerException)
    {
        StrategyName = string.Empty;
    }

    /// <summary>Creates an exception for a failed stage.</summary>
    /// <param name="strategyName">The strategy that failed.</param>
    /// <param name="stage">The stage whose component threw.</param>
    /// <param name="innerException">What the component threw.</param>
    public StrategyExecutionException(string strategyName, PipelineStage stage, Exception innerException)
        : base($"Strategy '{strategyName}' failed in stage {stage}: {innerException?.Message}", innerException)
    {
        StrategyName = strategyName;
        Stage = stage;
    }

    /// <summary>Gets the strategy that failed.</summary>
    public string StrategyName { get; }

    /// <summary>Gets the stage whose component threw.</summary>
    public PipelineStage Stage { get; }
}
