namespace LlmStrategies.Postgres.FewShot;

/// <summary>
/// <see cref="PostgresExampleStore.UpdateAsync"/> lost the race for an example to other writers as many times as
/// <see cref="PostgresExampleStoreOptions.MaxUpdateAttempts"/> allows; nothing was written.
/// </summary>
public sealed class ExampleUpdateConflictException : Exception
{
    /// <summary>Creates an exception.</summary>
    public ExampleUpdateConflictException()
        : this("An example kept changing under the update.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ExampleUpdateConflictException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ExampleUpdateConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
