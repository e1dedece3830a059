using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Hedging;
using Polly.Retry;
using Polly.Telemetry;
using Polly.Timeout;

namespace LlmStrategies.Resilience;

/// <summary>
/// Builds the default recipe from <see cref="ResilienceOptions"/>, outermost first: concurrency limit, total timeout,
/// retry (exponential backoff with jitter, Retry-After honoured up to its own cap), hedging, circuit breaker, attempt
/// timeout; and switches Polly's telemetry on for any builder.
/// </summary>
internal static class ResiliencePipelines
{
    /// <summary>The default recipe as a typed pipeline (typed so that hedging, which Polly offers only on typed builders, can be part of it).</summary>
    /// <param name="options">The settings (validated here).</param>
    /// <param name="telemetry">Logger factory, meter factory and clock, from DI when there is a service provider.</param>
    /// <param name="allowHedging">False for streaming, where a losing hedged stream could not be disposed.</param>
    public static ResiliencePipeline<T> Create<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] T>(ResilienceOptions options, ResilienceTelemetry telemetry, bool allowHedging = true)
    {
        ValidatedOptions.ThrowIfInvalid(new ResilienceOptionsValidator(), options);
        var builder = new ResiliencePipelineBuilder<T> { Name = "llmstrategies", TimeProvider = options.TimeProvider ?? telemetry.TimeProvider };
        telemetry.Configure(builder);
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
                ShouldHandle = args => ValueTask.FromResult(IsTransient(options, args.Outcome.Exception, args.Context) && !ServerAsksTooLong(options, args.Outcome.Exception)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && options.RetryAfter(ex) is { } after ? (TimeSpan?)after : null),
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
                ShouldHandle = args => ValueTask.FromResult(IsTransient(options, args.Outcome.Exception, args.Context) && (options.CircuitBreakerCounts is not { } counts || counts(args.Outcome.Exception!))),
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

    /// <summary>A server that asks for a longer wait than <see cref="ResilienceOptions.RetryAfterMaxDelay"/> is not retried.</summary>
    private static bool ServerAsksTooLong(ResilienceOptions options, Exception? exception) =>
        exception is not null && options.RetryAfter(exception) is { } after && after > options.RetryAfterMaxDelay;
}

/// <summary>
/// Where a pipeline's telemetry goes: Polly's own logs and metrics (logger factory from DI; Polly's "Polly" meter) plus a
/// counter of resilience events on the host's <see cref="IMeterFactory"/> meter "LlmStrategies.Resilience"
/// (<c>llmstrategies.resilience.events</c>, tagged with the event name and severity).
/// </summary>
internal sealed partial class ResilienceTelemetry
{
    /// <summary>The name of the meter the event counter is created on.</summary>
    public const string MeterName = "LlmStrategies.Resilience";

    public static readonly ResilienceTelemetry None = new(null, null, null);

    private readonly ILoggerFactory? _loggerFactory;
    private readonly Counter<long>? _events;

    public ResilienceTelemetry(ILoggerFactory? loggerFactory, IMeterFactory? meterFactory, TimeProvider? timeProvider)
    {
        _loggerFactory = loggerFactory;
        TimeProvider = timeProvider ?? TimeProvider.System;
        _events = meterFactory?.Create(MeterName).CreateCounter<long>("llmstrategies.resilience.events", "{event}", "Resilience events of model and embedding calls: retries, timeouts, circuit-breaker transitions, rejections.");
    }

    public TimeProvider TimeProvider { get; }

    /// <summary>Switches telemetry on for <paramref name="builder"/> when there is somewhere to send it.</summary>
    public void Configure<TBuilder>(TBuilder builder)
        where TBuilder : ResiliencePipelineBuilderBase
    {
        if (_loggerFactory is null && _events is null)
        {
            return;
        }

        // Polly's own logger writes the exception (with its stack trace) on every retry event; ours writes one line per
        // event with the exception's type and message, and the caller logs the final failure once, with its stack trace.
        var options = new TelemetryOptions();
        if (_loggerFactory is not null)
        {
            options.TelemetryListeners.Add(new EventLogger(_loggerFactory.CreateLogger("LlmStrategies.Resilience")));
        }

        if (_events is not null)
        {
            options.TelemetryListeners.Add(new EventCounter(_events));
        }

        builder.ConfigureTelemetry(options);
    }

    /// <summary>One log line per resilience event, without a stack trace.</summary>
    private sealed partial class EventLogger(ILogger logger) : TelemetryListener
    {
        public override void Write<TResult, TArgs>(in TelemetryEventArguments<TResult, TArgs> args)
        {
            var level = args.Event.Severity switch
            {
                ResilienceEventSeverity.Critical => LogLevel.Critical,
                ResilienceEventSeverity.Error => LogLevel.Error,
                ResilienceEventSeverity.Warning => LogLevel.Warning,
                ResilienceEventSeverity.Information => LogLevel.Information,
                ResilienceEventSeverity.Debug => LogLevel.Debug,
                _ => LogLevel.None,
            };
            if (level == LogLevel.None || !logger.IsEnabled(level))
            {
                return;
            }

            var outcome = args.Outcome switch
            {
                { Exception: { } exception } => $"{exception.GetType().Name}: {FirstLine(exception.Message)}",
                { } result => result.Result?.ToString() ?? "no result",
                null => "no outcome",
            };
            var attempt = args.Arguments switch
            {
                ExecutionAttemptArguments a => a.AttemptNumber,
                _ => (int?)null,
            };
            Log(logger, level, args.Event.EventName, args.Source.PipelineName ?? "(unnamed)", args.Source.StrategyName ?? "(unnamed)", attempt is { } n ? $", attempt {n}" : string.Empty, outcome);
        }

        private static string FirstLine(string text) => text.AsSpan().IndexOfAny('\r', '\n') is var end and >= 0 ? text[..end] : text;

        [LoggerMessage(EventId = 1, EventName = "ResilienceEvent", Message = "Resilience event {EventName} in pipeline {PipelineName}, strategy {StrategyName}{Attempt}: {Outcome}")]
        private static partial void Log(ILogger logger, LogLevel level, string eventName, string pipelineName, string strategyName, string attempt, string outcome);
    }

    private sealed class EventCounter(Counter<long> events) : TelemetryListener
    {
        public override void Write<TResult, TArgs>(in TelemetryEventArguments<TResult, TArgs> args) =>
            events.Add(
                1,
                new KeyValuePair<string, object?>("event.name", args.Event.EventName),
                new KeyValuePair<string, object?>("event.severity", args.Event.Severity.ToString()),
                new KeyValuePair<string, object?>("pipeline.name", args.Source.PipelineName));
    }
}
