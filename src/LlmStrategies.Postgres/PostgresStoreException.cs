namespace LlmStrategies.Postgres;

/// <summary>
/// A problem with the PostgreSQL setup that the user can fix (server down, pgvector missing, schema not migrated,
/// dimension mismatch...). The message names the problem and the fix; <see cref="Kind"/> tells them apart in code.
/// </summary>
public sealed class PostgresStoreException : Exception
{
    /// <summary>Creates an exception.</summary>
    /// <param name="kind">What went wrong.</param>
    /// <param name="message">The problem and the fix.</param>
    /// <param name="innerException">The underlying error, or <see langword="null"/>.</param>
    public PostgresStoreException(PostgresErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>Gets what went wrong.</summary>
    public PostgresErrorKind Kind { get; }
}
