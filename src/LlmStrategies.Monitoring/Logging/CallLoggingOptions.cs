namespace LlmStrategies.Monitoring.Logging;

/// <summary>Settings of <see cref="StrategyCallLogger"/>.</summary>
public sealed class CallLoggingOptions
{
    /// <summary>Gets or sets a value indicating whether prompt and answer text are logged (always redacted). Default <see langword="false"/>.</summary>
    public bool IncludeContent { get; set; }
}
