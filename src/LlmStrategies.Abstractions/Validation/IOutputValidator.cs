namespace LlmStrategies;

/// <summary>
/// Checks a model answer. When it is invalid the pipeline asks the model to repair it, quoting the errors, up to a
/// bounded number of attempts.
/// </summary>
public interface IOutputValidator
{
    /// <summary>Validates the answer in <paramref name="context"/>.</summary>
    /// <param name="context">The answer and what produced it.</param>
    /// <param name="cancellationToken">Cancels the validation.</param>
    /// <returns>The outcome; error messages are shown to the model in the repair request, so write them as instructions.</returns>
    ValueTask<ValidationOutcome> ValidateAsync(OutputValidationContext context, CancellationToken cancellationToken = default);
}
