using System.Globalization;

namespace LlmStrategies.Experiments;

/// <summary>The pre-flight estimate of an experiment's remaining calls, tokens and cost.</summary>
public sealed class CostEstimate
{
    internal CostEstimate(IReadOnlyList<StrategyCostEstimate> strategies, string currency)
    {
        Strategies = strategies;
        Currency = currency;
    }

    /// <summary>Gets the estimate per strategy.</summary>
    public IReadOnlyList<StrategyCostEstimate> Strategies { get; }

    /// <summary>Gets the price table's currency.</summary>
    public string Currency { get; }

    /// <summary>Gets the model calls still to make (runs neither in the checkpoint nor in the cache).</summary>
    public int Calls => Strategies.Sum(s => s.Calls);

    /// <summary>Gets the estimated input tokens.</summary>
    public long InputTokens => Strategies.Sum(s => s.InputTokens);

    /// <summary>Gets the estimated output tokens.</summary>
    public long OutputTokens => Strategies.Sum(s => s.OutputTokens);

    /// <summary>Gets the estimated cost, or <see langword="null"/> when a strategy with calls to make has no price.</summary>
    public decimal? Cost => Strategies.Any(s => s.Calls > 0 && s.Cost is null) ? null : Strategies.Sum(s => s.Cost ?? 0);

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Calls} calls, ~{InputTokens:N0} input and ~{OutputTokens:N0} output tokens, cost {(Cost is { } c ? c.ToString("0.####", CultureInfo.InvariantCulture) + " " + Currency : "unknown (a model has no price)")}");
}

/// <summary>The pre-flight estimate of one strategy.</summary>
/// <param name="StrategyName">The strategy.</param>
/// <param name="Model">The declared model, or <see langword="null"/>.</param>
/// <param name="Calls">Calls still to make.</param>
/// <param name="Reused">Runs already in the checkpoint or the cache.</param>
/// <param name="InputTokens">Estimated input tokens (question length / 4, rounded up, plus the prompt overhead per call).</param>
/// <param name="OutputTokens">Estimated output tokens.</param>
/// <param name="Cost">Estimated cost, or <see langword="null"/> when the model has no price.</param>
public sealed record StrategyCostEstimate(string StrategyName, string? Model, int Calls, int Reused, long InputTokens, long OutputTokens, decimal? Cost);
