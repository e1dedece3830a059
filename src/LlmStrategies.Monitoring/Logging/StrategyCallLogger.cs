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
/// <remarks>
/// Failures are logged as the exception's type, the pipeline stage and its message, never the exception object (whose
/// text, inner exceptions and stack trace can quote the prompt): the message goes through the same redactor as content
/// when a redactor provider is given, and otherwise has its quoted passages removed and e-mail addresses, phone numbers
/// and credentials replaced. A fallback reason (which quotes the failure that caused it) is treated the same way.
/// </remarks>
public sealed partial class StrategyCallLogger
{
    private readonly ILogger _logger;
    private readonly Redactor? _redactor;
    private readonly bool _includeContent;

    /// <summary>Creates the logger.</summary>
    /// <param name="logger">Where events go.</param>
    /// <param name="options">Settings; <see langword="null"/> for the defaults (no content).</param>
    /// <param name="redactorProvider">Provides the redactor for content and failure messages; required when content is included.</param>
    /// <exception cref="ArgumentException">Content is included without a redactor provider.</exception>
    public StrategyCallLogger(ILogger logger, CallLoggingOptions? options = null, IRedactorProvider? redactorProvider = null)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
        _includeContent = options?.IncludeContent ?? false;
        _redactor = redactorProvider?.GetRedactor(new DataClassificationSet(LlmDataClassifications.PromptContent));
        if (_includeContent && _redactor is null)
        {
            throw new ArgumentException("CallLoggingOptions.IncludeContent needs an IRedactorProvider so that prompts and answers are redacted; register one with services.AddLlmContentRedaction().", nameof(redactorProvider));
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
            .Field(", fallback ", "FallbackReason", result.FallbackReason is { } reason ? Scrub(reason) : null);
        _logger.Log(LogLevel.Information, CallEvent, state, null, CallLogState.Format);
        if (_includeContent)
        {
            var question = _redactor!.Redact(result.Request.Question);
            var answer = _redactor.Redact(result.Answer ?? string.Empty);
            var content = new CallLogState()
                .Field("Strategy ", "Strategy", result.StrategyName)
                .Field(" request ", "RequestId", result.Request.Id)
                .Field(" content (redacted): question ", "Question", question)
                .Field("; answer ", "Answer", answer);
            _logger.Log(LogLevel.Information, ContentEvent, content, null, CallLogState.Format);
        }
    }

    /// <summary>Logs a call that failed with an exception: its type, stage and redacted message, not the exception object.</summary>
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

        var cause = exception is StrategyExecutionException { InnerException: { } inner } ? inner : exception;
        var state = new CallLogState()
            .Field("Strategy ", "Strategy", strategy)
            .Field(" request ", "RequestId", requestId)
            .Field(" failed in stage ", "Stage", (exception as StrategyExecutionException)?.Stage.ToString())
            .Field(exception is StrategyExecutionException ? ": " : " failed: ", "ErrorType", cause.GetType().FullName)
            .Field(": ", "Error", Scrub(cause.Message));
        _logger.Log(LogLevel.Warning, FailedEvent, state, null, CallLogState.Format);
    }

    /// <summary>Logs that monitoring could not do part of its work for a call that was served anyway (for example a full disk under the call log).</summary>
    /// <param name="strategy">The strategy's name.</param>
    /// <param name="component">What failed, for example "call log".</param>
    /// <param name="exception">The failure.</param>
    public void LogMonitoringFailure(string strategy, string component, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            LogMonitoringFailed(strategy, component, exception.GetType().FullName, Scrub(exception.Message));
        }
    }

    /// <summary>Redacts failure text with the content redactor, or, without one, removes quoted text and sensitive patterns.</summary>
    private string Scrub(string text) => _redactor?.Redact(text) ?? SensitiveText.Redact(SensitiveText.WithoutQuotedText(text));

    private static readonly EventId CallEvent = new(1, "StrategyCall");
    private static readonly EventId ContentEvent = new(2, "StrategyCallContent");
    private static readonly EventId FailedEvent = new(3, "StrategyCallFailed");

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Monitoring of strategy {Strategy}: the {Component} failed ({ErrorType}: {Error}); the call was served and monitoring goes on")]
    private partial void LogMonitoringFailed(string strategy, string component, string? errorType, string error);
}
