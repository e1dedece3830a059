namespace LlmStrategies;

/// <summary>Checks a request before any other stage runs; an invalid request is rejected without calling the model.</summary>
public interface IInputValidator
{
    /// <summary>Validates <paramref name="request"/>.</summary>
    /// <param name="request">The incoming request.</param>
    /// <param name="cancellationToken">Cancels the validation.</param>
    /// <returns>The outcome; errors say what is wrong and how to fix it.</returns>
    ValueTask<ValidationOutcome> ValidateAsync(StrategyRequest request, CancellationToken cancellationToken = default);
}
