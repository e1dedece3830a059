using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Evaluation;

/// <summary>
/// LLM-as-judge: a chat model scores the response against a rubric on an integer scale and explains why. The judge
/// must answer with JSON <c>{"score": n, "reason": "..."}</c>; a judge that throws, answers something else or a score
/// outside the scale gives a metric with no value and an error diagnostic (reported as a judge error and failing the
/// regression gate), never a silent 0.
/// </summary>
public sealed class LlmJudgeEvaluator : IEvaluator
{
    private readonly string _rubric;
    private readonly LlmJudgeOptions _options;
    private readonly IChatClient? _judge;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="rubric">What a good answer is, for example "5: correct and complete; 3: partly correct; 1: wrong or unsupported".</param>
    /// <param name="judge">The judge model, or <see langword="null"/> to use <see cref="ChatConfiguration.ChatClient"/> of each call.</param>
    /// <param name="options">The scale, metric name and chat options; default <see cref="LlmJudgeOptions"/>.</param>
    public LlmJudgeEvaluator(string rubric, IChatClient? judge = null, LlmJudgeOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rubric);
        _options = ValidatedOptions.ThrowIfInvalid(new LlmJudgeOptionsValidator(), options ?? new LlmJudgeOptions());
        _rubric = rubric;
        _judge = judge;
        EvaluationMetricNames = [_options.MetricName];
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> EvaluationMetricNames { get; }

    /// <inheritdoc/>
    public async ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages,
        ChatResponse modelResponse,
        ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(modelResponse);
        var judge = _judge ?? chatConfiguration?.ChatClient;
        if (judge is null)
        {
            return new EvaluationResult(EvaluatorContexts.NumericError(_options.MetricName, $"{nameof(LlmJudgeEvaluator)} has no judge model: pass one to the constructor or a ChatConfiguration."));
        }

        var prompt = BuildPrompt(messages, modelResponse, EvaluatorContexts.Find<ExpectedOutputsContext>(additionalContext));
        ChatResponse verdict;
        try
        {
            verdict = await judge.GetResponseAsync(prompt, _options.ChatOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new EvaluationResult(EvaluatorContexts.NumericError(_options.MetricName, $"The judge model failed: {ex.GetType().Name}: {ex.Message}"));
        }

        var metric = Parse(verdict.Text);
        metric.AddOrUpdateChatMetadata(verdict);
        return new EvaluationResult(metric);
    }

    private List<ChatMessage> BuildPrompt(IEnumerable<ChatMessage> messages, ChatResponse response, ExpectedOutputsContext? expected)
    {
        var system = string.Create(
            CultureInfo.InvariantCulture,
            $"""
            You are a strict evaluator. Score the ASSISTANT ANSWER to the USER QUESTION with this rubric, on an integer scale from {_options.MinScore} to {_options.MaxScore}:
            {_rubric}
            Reply with only a JSON object: {"{"}"score": <integer {_options.MinScore}-{_options.MaxScore}>, "reason": "<one sentence>"{"}"}
            """);
        var user = new StringBuilder();
        user.Append("USER QUESTION:\n").Append(messages.RenderText()).Append("\n\n");
        if (expected is { ExpectedOutputs.Count: > 0 })
        {
            user.Append("REFERENCE ANSWER(S):\n").AppendJoin("\n", expected.ExpectedOutputs).Append("\n\n");
        }

        user.Append("ASSISTANT ANSWER:\n").Append(response.Text);
        return [new ChatMessage(ChatRole.System, system), new ChatMessage(ChatRole.User, user.ToString())];
    }

    private NumericMetric Parse(string text)
    {
        var start = text.IndexOf('{', StringComparison.Ordinal);
        var end = text.LastIndexOf('}');
        var excerpt = text.Length <= 200 ? text : text[..200] + "...";
        if (start < 0 || end <= start)
        {
            return EvaluatorContexts.NumericError(_options.MetricName, $"The judge did not answer with a JSON object: \"{excerpt}\".");
        }

        try
        {
            using var document = JsonDocument.Parse(text.AsMemory(start, end - start + 1));
            if (!document.RootElement.TryGetProperty("score", out var score) || score.ValueKind != JsonValueKind.Number)
            {
                return EvaluatorContexts.NumericError(_options.MetricName, $"The judge's JSON has no numeric 'score': \"{excerpt}\".");
            }

            var value = score.GetDouble();
            if (value < _options.MinScore || value > _options.MaxScore || Math.Floor(value) != value)
            {
                return EvaluatorContexts.NumericError(_options.MetricName, string.Create(CultureInfo.InvariantCulture, $"The judge's score {value} is not an integer from {_options.MinScore} to {_options.MaxScore}: \"{excerpt}\"."));
            }

            var reason = document.RootElement.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            return new NumericMetric(_options.MetricName, value, reason);
        }
        catch (JsonException ex)
        {
            return EvaluatorContexts.NumericError(_options.MetricName, $"The judge's JSON is malformed ({ex.Message}): \"{excerpt}\".");
        }
    }
}

/// <summary>Settings of <see cref="LlmJudgeEvaluator"/>. Validated by a source-generated validator when the evaluator is created.</summary>
public sealed class LlmJudgeOptions : IValidatableObject
{
    /// <summary>Gets or sets the metric's name. Default "Judge Score".</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "LlmJudgeOptions.MetricName must not be empty; it names the judge's metric in results.")]
    public string MetricName { get; set; } = "Judge Score";

    /// <summary>Gets or sets the lowest score. Default 1.</summary>
    public int MinScore { get; set; } = 1;

    /// <summary>Gets or sets the highest score. Default 5.</summary>
    public int MaxScore { get; set; } = 5;

    /// <summary>Gets or sets the judge call's chat options (for example temperature 0), or <see langword="null"/>.</summary>
    public ChatOptions? ChatOptions { get; set; }

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (MinScore >= MaxScore)
        {
            yield return new ValidationResult($"LlmJudgeOptions.MinScore ({MinScore}) must be below MaxScore ({MaxScore}).", [nameof(MinScore), nameof(MaxScore)]);
        }
    }
}
