namespace LlmStrategies;

/// <summary>How long one stage (or one attempt of a repeated stage) took.</summary>
public readonly struct StageTiming : IEquatable<StageTiming>
{
    /// <summary>Creates a timing.</summary>
    /// <param name="stage">The stage.</param>
    /// <param name="elapsed">How long it took.</param>
    /// <param name="attempt">The attempt, for stages that repeat during output repair; 0 otherwise.</param>
    public StageTiming(PipelineStage stage, TimeSpan elapsed, int attempt = 0)
    {
        Stage = stage;
        Elapsed = elapsed;
        Attempt = attempt;
    }

    /// <summary>Gets the stage.</summary>
    public PipelineStage Stage { get; }

    /// <summary>Gets how long the stage took.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Gets the attempt (0 for the first model call, 1 for the first repair, ...).</summary>
    public int Attempt { get; }

    /// <summary>Compares two timings.</summary>
    /// <param name="left">The first timing.</param>
    /// <param name="right">The second timing.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(StageTiming left, StageTiming right) => left.Equals(right);

    /// <summary>Compares two timings.</summary>
    /// <param name="left">The first timing.</param>
    /// <param name="right">The second timing.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(StageTiming left, StageTiming right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(StageTiming other) => Stage == other.Stage && Elapsed == other.Elapsed && Attempt == other.Attempt;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is StageTiming other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Stage, Elapsed, Attempt);

    /// <inheritdoc/>
    public override string ToString() => Attempt == 0 ? $"{Stage}: {Elapsed.TotalMilliseconds:F3} ms" : $"{Stage}#{Attempt}: {Elapsed.TotalMilliseconds:F3} ms";
}
