using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Evaluation;

/// <summary>
/// Whether the response is valid JSON and, when a schema is given, whether it conforms to it (see the supported
/// keywords in the remarks). A Markdown code fence around the JSON (<c>```json ... ```</c>) is removed first.
/// </summary>
/// <remarks>
/// Supported schema keywords: type, enum, const, properties, required, additionalProperties, items, minItems,
/// maxItems, minLength, maxLength, pattern, minimum, maximum, exclusiveMinimum, exclusiveMaximum, allOf, anyOf, oneOf,
/// not, plus the annotations title, description, $schema, $id, $comment, default, examples and format (not checked).
/// A schema using any other keyword is rejected by the constructor.
/// </remarks>
public sealed class JsonEvaluator : IEvaluator
{
    /// <summary>The validity metric's name.</summary>
    public const string ValidMetricName = "JSON Valid";

    /// <summary>The schema conformance metric's name.</summary>
    public const string SchemaMetricName = "JSON Schema Conformance";

    private readonly JsonSchemaSubset? _schema;

    /// <summary>Creates the evaluator.</summary>
    /// <param name="schemaJson">A JSON schema the response must conform to, or <see langword="null"/> to check validity only.</param>
    /// <exception cref="JsonException"><paramref name="schemaJson"/> is not JSON.</exception>
    /// <exception cref="NotSupportedException">The schema uses a keyword outside the supported subset.</exception>
    public JsonEvaluator(string? schemaJson = null)
    {
        _schema = schemaJson is null ? null : new JsonSchemaSubset(schemaJson);
        EvaluationMetricNames = _schema is null ? [ValidMetricName] : [ValidMetricName, SchemaMetricName];
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> EvaluationMetricNames { get; }

    /// <inheritdoc/>
    public ValueTask<EvaluationResult> EvaluateAsync(
        IEnumerable<ChatMessage> messages,
        ChatResponse modelResponse,
        ChatConfiguration? chatConfiguration = null,
        IEnumerable<EvaluationContext>? additionalContext = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelResponse);
        var text = StripFence(modelResponse.Text);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            var invalid = new BooleanMetric(ValidMetricName, false, $"Not valid JSON: {ex.Message}");
            return ValueTask.FromResult(_schema is null
                ? new EvaluationResult(invalid)
                : new EvaluationResult(invalid, new BooleanMetric(SchemaMetricName, false, "Not valid JSON, so it cannot conform.")));
        }

        using (document)
        {
            var valid = new BooleanMetric(ValidMetricName, true);
            if (_schema is null)
            {
                return ValueTask.FromResult(new EvaluationResult(valid));
            }

            var violations = _schema.Validate(document.RootElement);
            var conforms = new BooleanMetric(SchemaMetricName, violations.Count == 0, violations.Count == 0 ? null : string.Join("; ", violations));
            return ValueTask.FromResult(new EvaluationResult(valid, conforms));
        }
    }

    private static string StripFence(string text)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith("```", StringComparison.Ordinal))
        {
            return trimmed;
        }

        var firstLine = trimmed.IndexOf('\n', StringComparison.Ordinal);
        var close = trimmed.LastIndexOf("```", StringComparison.Ordinal);
        return firstLine > 0 && close > firstLine ? trimmed[(firstLine + 1)..close].Trim() : trimmed;
    }
}
