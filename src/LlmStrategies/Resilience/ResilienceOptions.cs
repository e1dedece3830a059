using System.Net;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace LlmStrategies.Resilience;

/// <summary>
/// How model and embedding calls survive faults and load. The defaults suit a hosted model API: 3 retries with
/// exponential backoff and jitter (honouring Retry-After), a 60 s attempt timeout, a 180 s overall timeout and a
/// circuit breaker; concurrency limiting, fallback and hedging are off until configured.
/// </summary>
public sealed class ResilienceOptions
{
    /// <summary>Gets or sets how many times a transient failure is retried. Default 3; 0 disables retries.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Gets or sets the first retry delay; later ones double (with jitter). Default 1 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest retry delay, including one asked for by Retry-After. Default 30 s.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the time one attempt may take; <see langword="null"/> for none. Default 60 s.</summary>
    public TimeSpan? AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the time a call may take with all its retries; <see langword="null"/> for none. Default 180 s.</summary>
    public TimeSpan? TotalTimeout { get; set; } = TimeSpan.FromSeconds(180);

    /// <summary>
    /// Gets or sets the failure ratio (within <see cref="CircuitBreakerSamplingDuration"/>, after
    /// <see cref="CircuitBreakerMinimumThroughput"/> calls) that opens the circuit; <see langword="null"/> disables it. Default 0.5.
    /// </summary>
    public double? CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Gets or sets the calls needed in a sampling window before the breaker may open. Default 20.</summary>
    public int CircuitBreakerMinimumThroughput { get; set; } = 20;

    /// <summary>Gets or sets the circuit breaker's sampling window. Default 30 s.</summary>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long an open circuit rejects calls before trying again. Default 15 s.</summary>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets or sets the most calls in flight at once; <see langword="null"/> (default) for no limit.</summary>
    public int? MaxConcurrency { get; set; }

    /// <summary>Gets or sets how many calls may wait for a concurrency slot before being rejected. Default 1,000.</summary>
    public int ConcurrencyQueueLimit { get; set; } = 1_000;

    /// <summary>Gets or sets a delay after which a second, parallel attempt is started if the first has not answered (hedging); <see langword="null"/> (default) disables it.</summary>
    public TimeSpan? HedgingDelay { get; set; }

    /// <summary>
    /// Gets or sets what tells a transient failure (worth retrying) from a permanent one. The default treats network
    /// errors, HTTP 408, 429 and 5xx, attempt timeouts and timeouts of the underlying HTTP client as transient.
    /// </summary>
    public Func<Exception, bool> IsTransient { get; set; } = DefaultIsTransient;

    /// <summary>Gets or sets what reads a server's requested delay (Retry-After) from a failure; returns <see langword="null"/> when there is none.</summary>
    public Func<Exception, TimeSpan?> RetryAfter { get; set; } = static _ => null;

    /// <summary>Gets or sets a function that returns doubles in [0, 1) for jitter; <see langword="null"/> uses Polly's. Set it (seeded) for reproducible delays.</summary>
    public Func<double>? Randomizer { get; set; }

    /// <summary>Gets or sets the clock; <see langword="null"/> for <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>The default transient-failure test.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns><see langword="true"/> when a retry may succeed.</returns>
    public static bool DefaultIsTransient(Exception exception) => exception switch
    {
        HttpRequestException http => http.StatusCode is null or HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError,
        TimeoutRejectedException => true,
        BrokenCircuitException => false,
        TimeoutException or IOException => true,
        OperationCanceledException => true,
        _ => false,
    };

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetryAttempts, "ResilienceOptions.MaxRetryAttempts");
        Positive(RetryBaseDelay, nameof(RetryBaseDelay));
        Positive(RetryMaxDelay, nameof(RetryMaxDelay));
        Positive(AttemptTimeout, nameof(AttemptTimeout));
        Positive(TotalTimeout, nameof(TotalTimeout));
        Positive(HedgingDelay, nameof(HedgingDelay));
        if (CircuitBreakerFailureRatio is { } ratio && !(ratio is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException("ResilienceOptions.CircuitBreakerFailureRatio", ratio, "The failure ratio must be in (0, 1], or null to disable the circuit breaker.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(CircuitBreakerMinimumThroughput, 2, "ResilienceOptions.CircuitBreakerMinimumThroughput");
        if (MaxConcurrency is < 1)
        {
            throw new ArgumentOutOfRangeException("ResilienceOptions.MaxConcurrency", MaxConcurrency, "The concurrency limit must be at least 1, or null for none.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(ConcurrencyQueueLimit, "ResilienceOptions.ConcurrencyQueueLimit");
        ArgumentNullException.ThrowIfNull(IsTransient, "ResilienceOptions.IsTransient");
        ArgumentNullException.ThrowIfNull(RetryAfter, "ResilienceOptions.RetryAfter");
    }

    private static void Positive(TimeSpan? value, string name)
    {
        if (value is { } v && v <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException("ResilienceOptions." + name, v, $"ResilienceOptions.{name} must be positive, or null where that is allowed.");
        }
    }
}
