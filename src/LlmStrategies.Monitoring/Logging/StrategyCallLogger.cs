using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.Logging;

namespace LlmStrategies.Monitoring.Logging;

/// <summary>
/// Writes one structured log event per strategy call: strategy, fingerprint, outcome, model, token usage and latency.
/// Prompt and answer text are off by default; when <see cref="CallLoggingOptions.IncludeContent"/> is on they are passed
/// through the <see cref="IRedactorProvider"/>'s redactor for <see cref="LlmDataClassifications.PromptContent"/>
/// (register one with <c>services.AddLlmContentRedaction()</c>), never logged raw.
/// </summary>
public sealed class StrategyCallLogger
{
    private readonly ILogger _logger;
    private readonly Redactor? _redactor;
    private readonly bool _includeContent;

    /// <summary>Creates the logger.</summary>
    /// <param name="logger">Where events go.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults (no content).</param>
    /// <param name="redactorProvider">Provides the redactor for content; required when content is included.</param>
    /// <exception cref="ArgumentException">Content is included without a redactor provider.</exception>
    public StrategyCallLogger(ILogger logger, CallLoggingOptions? options = null, IRedactorProvider? redactorProvider = null)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        _includeContent = options?.IncludeContent ?? false;
        if (_includeContent)
        {
            _redactor = redactorProvider?.GetRedactor(new DataClassificationSet(LlmDataClassifications.PromptContent))
                ?? throw new ArgumentException("CallLoggingOptions.IncludeContent needs an IRedactorProvider so that prompts and answers are redacted; register one with services.AddLlmContentRedaction().", nameof(redactorProvider));
        }
    }

    /// <summary>Logs a finished call.</summary>
    /// <param name="result">The result.</param>
    public void Log(StrategyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var state = new CallLogState()
            .Field("Strategy ", "Strategy", result.StrategyName)
            .Field(" (", "Fingerprint", result.Fingerprint.Value, ")")
            .Field(" request ", "RequestId", result.Request.Id)
            .Field(": ", "Outcome", result.Outcome)
            .Field(", model ", "Model", result.ModelId)
            .Field(", tokens in ", "InputTokens", result.Usage.InputTokenCount)
            .Field(" (cached ", "CachedInputTokens", result.Usage.CachedInputTokenCount, ")")
            .Field(" out ", "OutputTokens", result.Usage.OutputTokenCount)
            .Field(", ", "LatencyMs", Math.Round(result.Elapsed.TotalMilliseconds, 1), " ms")
            .Field(", fallback ", "FallbackReason", result.FallbackReason);
        _logger.Log(LogLevel.Information, CallEvent, state, null, CallLogState.Format);
        if (_redactor is not null)
        {
            var question = _redactor.Redact(result.Request.Question);
            var answer = _redactor.Redact(result.Answer ?? string.Empty);
            var content = new CallLogState()
                .Field("Strategy ", "Strategy", result.StrategyName)
                .Field(" request ", "RequestId", result.Request.Id)
                .Field(" content (redacted): question ", "Question", question)
                .Field("; answer ", "Answer", answer);
            _logger.Log(LogLevel.Information, ContentEvent, content, null, CallLogState.Format);
        }
    }

    /// <summary>Logs a call that failed with an exception.</summary>
    /// <param name="strategy">The strategy's name.</param>
    /// <param name="requestId">The request id, if any.</param>
    /// <param name="exception">The failure.</param>
    public void LogFailure(string strategy, string? requestId, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (!_logger.IsEnabled(LogLevel.Warning))
        {
            return;
        }

        var state = new CallLogState()
            .Field("Strategy ", "Strategy", strategy)
            .Field(" request ", "RequestId", requestId)
            .Field(" failed in stage ", "Stage", (exception as StrategyExecutionException)?.Stage.ToString())
            .Field(exception is StrategyExecutionException ? ": " : " failed: ", "ErrorType", exception.GetType().FullName);
        _logger.Log(LogLevel.Warning, FailedEvent, state, exception, CallLogState.Format);
    }

    private static readonly EventId CallEvent = new(1, "StrategyCall");
    private static readonly EventId ContentEvent = new(2, "StrategyCallContent");
    private static readonly EventId FailedEvent = new(3, "StrategyCallFailed");
}
