using System.ComponentModel.DataAnnotations;
using System.Net;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace LlmStrategies.Resilience;

/// <summary>
/// The default resilience recipe for model and embedding calls, for when you do not bring your own Polly pipeline. The
/// defaults suit a hosted model API: 3 retries with exponential backoff and jitter (honouring Retry-After), a 60 s
/// attempt timeout, a 180 s overall timeout and a circuit breaker; concurrency limiting, fallback and hedging are off
/// until configured. Validated by the same source-generated validator in code and on host start.
/// </summary>
public sealed class ResilienceOptions
{
    /// <summary>Gets or sets how many times a transient failure is retried. Default 3; 0 disables retries.</summary>
    [ValueRange(0, 100, ErrorMessage = "ResilienceOptions.MaxRetryAttempts must be between 0 (no retries) and 100.")]
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Gets or sets the first retry delay; later ones double (with jitter). Default 1 s.</summary>
    [DurationRange(0.001, 86400.0, ErrorMessage = "ResilienceOptions.RetryBaseDelay must be positive (at most one day).")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the longest computed (backoff) retry delay. Default 30 s. It does not shorten a delay the server asked
    /// for with Retry-After: that one is bounded by <see cref="RetryAfterMaxDelay"/> instead.
    /// </summary>
    [DurationRange(0.001, 86400.0, ErrorMessage = "ResilienceOptions.RetryMaxDelay must be positive (at most one day).")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the longest delay a server may ask for with Retry-After and still be retried. Default 5 minutes.
    /// </summary>
    /// <remarks>
    /// Which wins: a Retry-After up to this cap is honoured exactly, even when it is longer than
    /// <see cref="RetryMaxDelay"/> (retrying earlier than the server asked only earns another 429). A Retry-After above
    /// this cap is not waited for: the call fails at once with the server's error, so a caller is never blocked for
    /// longer than it agreed to. <see cref="TotalTimeout"/> still bounds the whole call.
    /// </remarks>
    [DurationRange(0.0, 86400.0, ErrorMessage = "ResilienceOptions.RetryAfterMaxDelay must be between zero and one day.")]
    public TimeSpan RetryAfterMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the time one attempt may take; <see langword="null"/> for none. Default 60 s.</summary>
    [DurationRange(0.001, 86400.0, ErrorMessage = "ResilienceOptions.AttemptTimeout must be positive (at most one day), or null for none.")]
    public TimeSpan? AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the time a call may take with all its retries; <see langword="null"/> for none. Default 180 s.</summary>
    [DurationRange(0.001, 86400.0, ErrorMessage = "ResilienceOptions.TotalTimeout must be positive (at most one day), or null for none.")]
    public TimeSpan? TotalTimeout { get; set; } = TimeSpan.FromSeconds(180);

    /// <summary>
    /// Gets or sets the failure ratio (within <see cref="CircuitBreakerSamplingDuration"/>, after
    /// <see cref="CircuitBreakerMinimumThroughput"/> calls) that opens the circuit; <see langword="null"/> disables it. Default 0.5.
    /// </summary>
    [ValueRange(0.0, 1.0, MinimumIsExclusive = true, ErrorMessage = "ResilienceOptions.CircuitBreakerFailureRatio: the failure ratio must be in (0, 1], or null to disable the circuit breaker.")]
    public double? CircuitBreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Gets or sets the calls needed in a sampling window before the breaker may open. Default 20.</summary>
    [ValueRange(2, int.MaxValue, ErrorMessage = "ResilienceOptions.CircuitBreakerMinimumThroughput must be at least 2.")]
    public int CircuitBreakerMinimumThroughput { get; set; } = 20;

    /// <summary>Gets or sets the circuit breaker's sampling window. Default 30 s.</summary>
    [DurationRange(0.5, 86400.0, ErrorMessage = "ResilienceOptions.CircuitBreakerSamplingDuration must be between 0.5 s and one day.")]
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long an open circuit rejects calls before trying again. Default 15 s.</summary>
    [DurationRange(0.5, 86400.0, ErrorMessage = "ResilienceOptions.CircuitBreakerBreakDuration must be between 0.5 s and one day.")]
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets which failures count against the circuit breaker; <see langword="null"/> (default) counts every
    /// transient failure (<see cref="IsTransient"/>). Narrow it, for example to timeouts and connection failures, so that
    /// the breaker opens when a server stops answering but not when it rate-limits (429), which retries with Retry-After handle.
    /// </summary>
    public Func<Exception, bool>? CircuitBreakerCounts { get; set; }

    /// <summary>Gets or sets the most calls in flight at once; <see langword="null"/> (default) for no limit.</summary>
    [ValueRange(1, int.MaxValue, ErrorMessage = "ResilienceOptions.MaxConcurrency: the concurrency limit must be at least 1, or null for none.")]
    public int? MaxConcurrency { get; set; }

    /// <summary>Gets or sets how many calls may wait for a concurrency slot before being rejected. Default 1,000.</summary>
    [ValueRange(0, int.MaxValue, ErrorMessage = "ResilienceOptions.ConcurrencyQueueLimit must be zero or more.")]
    public int ConcurrencyQueueLimit { get; set; } = 1_000;

    /// <summary>Gets or sets a delay after which a second, parallel attempt is started if the first has not answered (hedging); <see langword="null"/> (default) disables it.</summary>
    [DurationRange(0.001, 86400.0, ErrorMessage = "ResilienceOptions.HedgingDelay must be positive (at most one day), or null to disable hedging.")]
    public TimeSpan? HedgingDelay { get; set; }

    /// <summary>
    /// Gets or sets what tells a transient failure (worth retrying) from a permanent one. The default treats network
    /// errors, HTTP 408, 429 and 5xx, attempt timeouts and timeouts of the underlying HTTP client as transient.
    /// </summary>
    [Required(ErrorMessage = "ResilienceOptions.IsTransient must not be null; keep DefaultIsTransient or supply your own test.")]
    public Func<Exception, bool> IsTransient { get; set; } = DefaultIsTransient;

    /// <summary>Gets or sets what reads a server's requested delay (Retry-After) from a failure; returns <see langword="null"/> when there is none.</summary>
    [Required(ErrorMessage = "ResilienceOptions.RetryAfter must not be null; return null from it when there is no Retry-After.")]
    public Func<Exception, TimeSpan?> RetryAfter { get; set; } = static _ => null;

    /// <summary>Gets or sets a function that returns doubles in [0, 1) for jitter; <see langword="null"/> uses Polly's. Set it (seeded) for reproducible delays.</summary>
    public Func<double>? Randomizer { get; set; }

    /// <summary>
    /// Gets or sets the clock; <see langword="null"/> for the <see cref="TimeProvider"/> registered in DI when the
    /// middleware is built from a service provider, else <see cref="TimeProvider.System"/>.
    /// </summary>
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
}
