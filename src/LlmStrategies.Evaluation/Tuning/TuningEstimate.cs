using System.Globalization;

namespace LlmStrategies.Tuning;

/// <summary>
/// The pre-flight estimate of a whole tuning (every round, the baseline, bootstrapping): calls, tokens and cost still to
/// spend, after what the response cache already holds. Successive halving's rounds depend on scores not yet known, so
/// its estimate is an upper bound: it assumes the most expensive candidates survive every round.
/// </summary>
public sealed class TuningEstimate
{
    internal TuningEstimate(IReadOnlyList<TuningEstimatePhase> phases, string currency)
    {
        Phases = phases;
        Currency = currency;
    }

    /// <summary>Gets the estimate per phase.</summary>
    public IReadOnlyList<TuningEstimatePhase> Phases { get; }

    /// <summary>Gets the price table's currency.</summary>
    public string Currency { get; }

    /// <summary>Gets the strategy runs still to make.</summary>
    public long Calls => Phases.Sum(p => p.Calls);

    /// <summary>Gets the estimated input tokens.</summary>
    public long InputTokens => Phases.Sum(p => p.InputTokens);

    /// <summary>Gets the estimated output tokens.</summary>
    public long OutputTokens => Phases.Sum(p => p.OutputTokens);

    /// <summary>Gets the estimated cost, or <see langword="null"/> when a phase with calls to make has no price.</summary>
    public decimal? Cost => Phases.Any(p => p.Calls > 0 && p.Cost is null) ? null : Phases.Sum(p => p.Cost ?? 0);

    /// <summary>Gets a value indicating whether a phase is an upper bound rather than an estimate of a fixed plan.</summary>
    public bool IsUpperBound => Phases.Any(p => p.IsUpperBound);

    /// <summary>The estimate of this tuning followed by another (for example bootstrapping, then the search).</summary>
    /// <param name="other">The other estimate; the same currency.</param>
    /// <returns>The combined estimate.</returns>
    public TuningEstimate Plus(TuningEstimate other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!string.Equals(other.Currency, Currency, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"Cannot add an estimate in {other.Currency} to one in {Currency}.", nameof(other));
        }

        return new TuningEstimate([.. Phases, .. other.Phases], Currency);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{(IsUpperBound ? "at most " : string.Empty)}{Calls:N0} runs, ~{InputTokens:N0} input and ~{OutputTokens:N0} output tokens, cost {(Cost is { } c ? c.ToString("0.####", CultureInfo.InvariantCulture) + " " + Currency : "unknown (a model has no price)")} ({string.Join("; ", Phases.Select(p => p.ToString()))})");
}

/// <summary>The estimate of one phase of a tuning.</summary>
/// <param name="Name">The phase, for example "search (successive halving, 4 rounds)".</param>
/// <param name="Calls">Strategy runs still to make.</param>
/// <param name="InputTokens">Estimated input tokens.</param>
/// <param name="OutputTokens">Estimated output tokens.</param>
/// <param name="Cost">Estimated cost, or <see langword="null"/> when the model has no price.</param>
/// <param name="IsUpperBound">Whether the figures are an upper bound.</param>
public sealed record TuningEstimatePhase(string Name, long Calls, long InputTokens, long OutputTokens, decimal? Cost, bool IsUpperBound)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}: {(IsUpperBound ? "≤ " : string.Empty)}{Calls:N0} runs");
}
