namespace LlmStrategies;

/// <summary>How a strategy run ended.</summary>
public enum StrategyOutcome
{
    /// <summary>The model answered and the answer passed output validation.</summary>
    Answered,

    /// <summary>Input validation rejected the request; the model was not called.</summary>
    InputRejected,

    /// <summary>A filter refused the request; the model was not called.</summary>
    Refused,

    /// <summary>The answer still failed output validation after every repair attempt; the last answer is kept.</summary>
    OutputRejected,
}
