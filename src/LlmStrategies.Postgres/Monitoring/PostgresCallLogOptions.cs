using System.ComponentModel.DataAnnotations;

namespace LlmStrategies.Postgres.Monitoring;

/// <summary>Settings of <see cref="PostgresCallLog"/>.</summary>
public sealed class PostgresCallLogOptions
{
    /// <summary>Gets or sets the log's name: several logs (one per application, say) share the table. Default <c>default</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string LogName { get; set; } = "default";

    /// <summary>
    /// Gets or sets whether inputs and outputs are redacted before they are written, with the same redactor as the JSONL
    /// call log (<c>LlmDataClassifications.PromptContent</c>). Default <see langword="true"/>; turn it off only where
    /// the database is protected like the production data itself.
    /// </summary>
    public bool RedactContent { get; set; } = true;
}
