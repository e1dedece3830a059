namespace LlmStrategies;

/// <summary>The result of validating a request or an answer.</summary>
public sealed class ValidationOutcome
{
    private ValidationOutcome(IReadOnlyList<ValidationError> errors) => Errors = errors;

    /// <summary>Gets the outcome that reports no errors.</summary>
    public static ValidationOutcome Valid { get; } = new([]);

    /// <summary>Gets a value indicating whether no errors were found.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>Gets the errors found; empty when valid.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    /// <summary>Creates an invalid outcome.</summary>
    /// <param name="errors">At least one error.</param>
    /// <returns>The outcome.</returns>
    public static ValidationOutcome Invalid(params ValidationError[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Length == 0)
        {
            throw new ArgumentException("An invalid outcome needs at least one error; use ValidationOutcome.Valid for success.", nameof(errors));
        }

        return new((ValidationError[])errors.Clone());
    }

    /// <summary>Creates an invalid outcome with one error.</summary>
    /// <param name="source">The validator (or rule) that found the problem.</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <returns>The outcome.</returns>
    public static ValidationOutcome Invalid(string source, string message) => new([new ValidationError(source, message)]);

    /// <summary>Combines outcomes: valid only when all are valid, with every error kept in order.</summary>
    /// <param name="outcomes">The outcomes to combine.</param>
    /// <returns>The combined outcome.</returns>
    public static ValidationOutcome Combine(IEnumerable<ValidationOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var errors = outcomes.SelectMany(o => o.Errors).ToArray();
        return errors.Length == 0 ? Valid : new(errors);
    }

    /// <inheritdoc/>
    public override string ToString() => IsValid ? "valid" : string.Join("; ", Errors);
}
