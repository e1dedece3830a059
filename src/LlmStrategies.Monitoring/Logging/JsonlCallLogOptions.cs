namespace LlmStrategies.Monitoring.Logging;

/// <summary>Settings of <see cref="JsonlCallLog"/>.</summary>
public sealed class JsonlCallLogOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether inputs and outputs are redacted before they are written. Default
    /// <see langword="true"/>; turn it off only where the log is protected like the production data itself.
    /// </summary>
    public bool RedactContent { get; set; } = true;
}
