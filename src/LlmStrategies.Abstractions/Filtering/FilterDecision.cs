namespace LlmStrategies;

/// <summary>What an <see cref="IRequestFilter"/> decided.</summary>
public sealed class FilterDecision
{
    private static readonly FilterDecision AllowUnchanged = new(null, null, null, null);

    private FilterDecision(StrategyRequest? request, string? filterName, string? reason, string? refusalMessage)
    {
        Request = request;
        FilterName = filterName;
        Reason = reason;
        RefusalMessage = refusalMessage;
    }

    /// <summary>Gets a value indicating whether the request was refused.</summary>
    public bool IsRefused => RefusalMessage is not null;

    /// <summary>Gets the request to continue with when allowed and rewritten; <see langword="null"/> keeps the original.</summary>
    public StrategyRequest? Request { get; }

    /// <summary>Gets the name of the filter that refused, when refused.</summary>
    public string? FilterName { get; }

    /// <summary>Gets the internal reason for a refusal (for logs and metrics), when refused.</summary>
    public string? Reason { get; }

    /// <summary>Gets the message returned to the user instead of an answer, when refused.</summary>
    public string? RefusalMessage { get; }

    /// <summary>Lets the request continue unchanged.</summary>
    /// <returns>The decision.</returns>
    public static FilterDecision Allow() => AllowUnchanged;

    /// <summary>Lets the request continue, replaced by <paramref name="rewritten"/> (for example routed or redacted).</summary>
    /// <param name="rewritten">The request later stages see.</param>
    /// <returns>The decision.</returns>
    public static FilterDecision Allow(StrategyRequest rewritten)
    {
        ArgumentNullException.ThrowIfNull(rewritten);
        return new(rewritten, null, null, null);
    }

    /// <summary>Refuses the request.</summary>
    /// <param name="filterName">The refusing filter, for logs and metrics.</param>
    /// <param name="reason">Why, for logs and metrics (not shown to the user).</param>
    /// <param name="refusalMessage">What the user is told instead of an answer.</param>
    /// <returns>The decision.</returns>
    public static FilterDecision Refuse(string filterName, string reason, string refusalMessage)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filterName);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        ArgumentException.ThrowIfNullOrWhiteSpace(refusalMessage);
        return new(null, filterName, reason, refusalMessage);
    }
}
