using System.Diagnostics.CodeAnalysis;
using System.Threading.RateLimiting;
using Polly;
using Polly.CircuitBreaker;
using Polly.Hedging;
using Polly.Retry;
using Polly.Timeout;

namespace LlmStrategies.Resilience;

/// <summary>
/// Builds the Polly pipeline shared by the chat and embedding middleware, outermost first: concurrency limit, total
/// timeout, retry (exponential backoff with jitter, Retry-After honoured), hedging, circuit breaker, attempt timeout.
/// </summary>
internal static class ResiliencePipelines
{
    /// <param name="options">The settings.</param>
    /// <param name="allowHedging">False for streaming, where a losing hedged stream could not be disposed.</param>
    public static ResiliencePipeline<T> Create<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] T>(ResilienceOptions options, bool allowHedging = true)
    {
        var builder = new ResiliencePipelineBuilder<T>();
        if (options.TimeProvider is not null)
        {
            builder.TimeProvider = options.TimeProvider;
        }

        if (options.MaxConcurrency is { } concurrency)
        {
            builder.AddConcurrencyLimiter(new ConcurrencyLimiterOptions
            {
                PermitLimit = concurrency,
                QueueLimit = options.ConcurrencyQueueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
        }

        if (options.TotalTimeout is { } total)
        {
            builder.AddTimeout(total);
        }

        if (options.MaxRetryAttempts > 0)
        {
            var retry = new RetryStrategyOptions<T>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(options, args.Outcome.Exception, args.Context)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && options.RetryAfter(ex) is { } after
                    ? (TimeSpan?)TimeSpan.FromTicks(Math.Min(after.Ticks, options.RetryMaxDelay.Ticks))
                    : null),
            };
            if (options.Randomizer is not null)
            {
                retry.Randomizer = options.Randomizer;
            }

            builder.AddRetry(retry);
        }

        if (allowHedging && options.HedgingDelay is { } hedging)
        {
            builder.AddHedging(new HedgingStrategyOptions<T>
            {
                Delay = hedging,
                MaxHedgedAttempts = 1,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(options, args.Outcome.Exception, args.Context)),
            });
        }

        if (options.CircuitBreakerFailureRatio is { } ratio)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<T>
            {
                FailureRatio = ratio,
                MinimumThroughput = options.CircuitBreakerMinimumThroughput,
                SamplingDuration = options.CircuitBreakerSamplingDuration,
                BreakDuration = options.CircuitBreakerBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(options, args.Outcome.Exception, args.Context)),
            });
        }

        if (options.AttemptTimeout is { } attempt)
        {
            builder.AddTimeout(attempt);
        }

        return builder.Build();
    }

    /// <summary>A failure is retried when the options call it transient and the caller has not cancelled.</summary>
    private static bool IsTransient(ResilienceOptions options, Exception? exception, ResilienceContext context) =>
        exception is not null
        && !context.CancellationToken.IsCancellationRequested
        && exception is not BrokenCircuitException
        && (exception is TimeoutRejectedException || options.IsTransient(exception));
}
