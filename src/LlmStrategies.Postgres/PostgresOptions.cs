using System.ComponentModel.DataAnnotations;

namespace LlmStrategies.Postgres;

/// <summary>Where the LlmStrategies tables live and how the library talks to the server.</summary>
public sealed class PostgresOptions
{
    /// <summary>Gets or sets the Npgsql connection string, for example <c>Host=127.0.0.1;Port=5432;Username=app;Database=app</c>. Required.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the schema that holds the library's tables (created by the migrations). Lowercase letters, digits
    /// and underscores, starting with a letter. Default <c>llmstrategies</c>.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[a-z][a-z0-9_]{0,47}$", ErrorMessage = "The schema name must be lowercase letters, digits or underscores, starting with a letter (at most 48 characters).")]
    public string Schema { get; set; } = PostgresConstants.DefaultSchema;

    /// <summary>
    /// Gets or sets whether the schema is created or migrated when first needed (and, with dependency injection, when
    /// the host starts). Default <see langword="false"/>: migrations are applied explicitly with
    /// <see cref="PostgresDatabase.MigrateAsync"/>, and a database without the current schema fails with an error that
    /// says so.
    /// </summary>
    public bool MigrateOnStart { get; set; }

    /// <summary>Gets or sets how many times an operation is retried after a transient error (connection lost, server starting, serialization failure). Default 3.</summary>
    [Range(0, 20)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Gets or sets the delay before the first retry; each further retry doubles it. Default 100 ms; between 0 and 1 minute.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    internal string? ValidateDelay() =>
        RetryDelay < TimeSpan.Zero || RetryDelay > TimeSpan.FromMinutes(1) ? $"RetryDelay must be between 0 and 1 minute (was {RetryDelay})." : null;

    internal PostgresOptions Copy() => new()
    {
        ConnectionString = ConnectionString,
        Schema = Schema,
        MigrateOnStart = MigrateOnStart,
        MaxRetries = MaxRetries,
        RetryDelay = RetryDelay,
    };
}
