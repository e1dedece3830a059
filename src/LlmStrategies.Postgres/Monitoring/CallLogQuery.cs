namespace LlmStrategies.Postgres.Monitoring;

/// <summary>Which calls <see cref="PostgresCallLog"/> reads: all conditions that are set must hold.</summary>
public sealed class CallLogQuery
{
    /// <summary>Gets the earliest time (inclusive), or <see langword="null"/>.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Gets the latest time (exclusive), or <see langword="null"/>.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Gets the strategy name the calls must have, or <see langword="null"/>.</summary>
    public string? Strategy { get; init; }

    /// <summary>Gets the most calls to read (the most recent ones, returned oldest first), or <see langword="null"/> for all.</summary>
    public int? Limit { get; init; }
}
