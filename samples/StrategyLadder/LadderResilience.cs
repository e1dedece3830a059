using LlmStrategies.Providers;
using LlmStrategies.Resilience;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Polly.Timeout;

namespace StrategyLadder;

/// <summary>The sample's resilience settings (section "Ladder": --Ladder:CallTimeoutSeconds=..., --Ladder:MaxRetries=...).</summary>
internal sealed class LadderResilienceOptions
{
    /// <summary>The longest one attempt at a model call may take, in seconds; a hung server is given up on after this.</summary>
    public double CallTimeoutSeconds { get; set; } = 60;

    /// <summary>How often a failed call (429 with its Retry-After, 5xx, time-out, connection error) is retried.</summary>
    public int MaxRetries { get; set; } = 3;
}

/// <summary>Adds retries, time-outs and a circuit breaker to the sample's model client (not to the offline baseline).</summary>
internal static class LadderResilience
{
    /// <summary>
    /// Protects a real provider's calls: retries on 408, 429 (waiting as long as Retry-After asks) and 5xx and on
    /// time-outs and connection errors, a per-attempt time-out, a total time-out per call, and a circuit breaker that opens
    /// when at least half the attempts of a window got no answer at all (time-outs, refused connections) so that a
    /// server that hangs costs one time-out per call in flight, not one per item; rate limits never open it.
    /// </summary>
    public static ChatClientBuilder UseLadderResilience(this ChatClientBuilder builder, IConfiguration configuration)
    {
        if (!Enum.TryParse<ChatProviderKind>(configuration["ChatProvider:Provider"], ignoreCase: true, out var provider) || provider == ChatProviderKind.Baseline)
        {
            return builder; // the offline baseline runs in-process and never fails transiently
        }

        var settings = new LadderResilienceOptions();
        configuration.GetSection("Ladder").Bind(settings);
        var parallelism = int.TryParse(configuration["Ladder:Parallelism"], out var p) ? p : 4;
        var attempt = TimeSpan.FromSeconds(settings.CallTimeoutSeconds);
        return builder.UseResilience(o =>
        {
            o.UseProviderFailures();
            o.MaxRetryAttempts = settings.MaxRetries;
            o.AttemptTimeout = attempt;
            o.TotalTimeout = Min(TimeSpan.FromDays(1), (attempt * (settings.MaxRetries + 1)) + TimeSpan.FromMinutes(2));
            o.CircuitBreakerCounts = NoAnswer;
            o.CircuitBreakerMinimumThroughput = Math.Max(2, parallelism);
            o.CircuitBreakerSamplingDuration = Min(TimeSpan.FromDays(1), Max(TimeSpan.FromSeconds(30), attempt * 2));
            o.CircuitBreakerBreakDuration = Min(TimeSpan.FromDays(1), Max(TimeSpan.FromSeconds(15), attempt));
        });
    }

    /// <summary>The server did not answer: the attempt timed out or the connection failed (no HTTP status).</summary>
    private static bool NoAnswer(Exception exception) => exception switch
    {
        TimeoutRejectedException or TimeoutException => true,
        HttpRequestException { StatusCode: null } => true,
        System.ClientModel.ClientResultException { Status: 0 } => true,
        _ => exception.InnerException is { } inner && NoAnswer(inner),
    };

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
