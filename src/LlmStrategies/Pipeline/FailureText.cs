namespace LlmStrategies.Pipeline;

/// <summary>
/// How a component's failure is shown where it can be read by people who must not see the prompt (span status, the
/// fallback reason that monitoring logs): the failing component's exception type and its message with quoted text,
/// e-mail addresses, phone numbers and credentials removed. The exception itself still reaches the caller unchanged.
/// </summary>
internal static class FailureText
{
    /// <summary>The redacted description of <paramref name="exception"/> (of its cause, for a <see cref="StrategyExecutionException"/>).</summary>
    public static string Of(Exception exception) =>
        SensitiveText.DescribeException(exception is StrategyExecutionException { InnerException: { } cause } ? cause : exception);
}
