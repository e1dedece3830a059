using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Prompting;

/// <summary>
/// Structured output from a C# type: the JSON schema (from <see cref="AIJsonUtilities.CreateJsonSchema"/>) rendered as
/// output-format instructions for the prompt, the matching <see cref="ChatResponseFormat"/> for providers that enforce
/// schemas, and an output validator that checks the answer deserialises into the type.
/// </summary>
public sealed class StructuredOutput
{
    private StructuredOutput(Type type, JsonElement schema, JsonTypeInfo typeInfo)
    {
        Type = type;
        Schema = schema;
        TypeInfo = typeInfo;
    }

    /// <summary>Gets the type the answer must deserialise into.</summary>
    public Type Type { get; }

    /// <summary>Gets the JSON schema of <see cref="Type"/>.</summary>
    public JsonElement Schema { get; }

    /// <summary>Gets the serialisation metadata used to validate answers.</summary>
    public JsonTypeInfo TypeInfo { get; }

    /// <summary>Gets the output-format instructions: reply with a JSON object conforming to the schema, and nothing else.</summary>
    public string Instructions => "Reply with only a JSON object that conforms to this JSON schema, without code fences or any other text:\n" +
        JsonSerializer.Serialize(Schema, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(JsonElement)));

    /// <summary>Gets the response format that asks schema-enforcing providers for this schema.</summary>
    public ChatResponseFormat ResponseFormat => ChatResponseFormat.ForJsonSchema(Schema, Type.Name);

    /// <summary>Describes <typeparamref name="T"/> with the serialisation metadata of <paramref name="typeInfo"/>.</summary>
    /// <typeparam name="T">The answer type.</typeparam>
    /// <param name="typeInfo">Source-generated (or reflection) metadata for <typeparamref name="T"/>.</param>
    /// <returns>The structured output.</returns>
    public static StructuredOutput For<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var schema = AIJsonUtilities.CreateJsonSchema(typeof(T), serializerOptions: typeInfo.Options);
        return new StructuredOutput(typeof(T), schema, typeInfo);
    }

    /// <summary>Creates the validator that checks answers deserialise into <see cref="Type"/>.</summary>
    /// <returns>The validator; its errors quote the JSON error (path and position) so the model can repair the answer.</returns>
    public IOutputValidator CreateValidator() => new JsonOutputValidator(this);

    /// <summary>Removes a Markdown code fence around a JSON answer, which many models add despite instructions.</summary>
    internal static string StripCodeFence(string answer)
    {
        var text = answer.Trim();
        if (!text.StartsWith("```", StringComparison.Ordinal))
        {
            return text;
        }

        var firstLine = text.IndexOf('\n', StringComparison.Ordinal);
        var end = text.LastIndexOf("```", StringComparison.Ordinal);
        return firstLine > 0 && end > firstLine ? text[(firstLine + 1)..end].Trim() : text;
    }

    private sealed class JsonOutputValidator(StructuredOutput output) : IOutputValidator, IFingerprintable
    {
        public ValueTask<ValidationOutcome> ValidateAsync(OutputValidationContext context, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(context);
            try
            {
                var value = JsonSerializer.Deserialize(StripCodeFence(context.Answer), output.TypeInfo);
                return ValueTask.FromResult(value is null
                    ? ValidationOutcome.Invalid("json", $"The answer is the JSON null; reply with a JSON object of type {output.Type.Name}.")
                    : ValidationOutcome.Valid);
            }
            catch (JsonException ex)
            {
                return ValueTask.FromResult(ValidationOutcome.Invalid("json", $"The answer is not a valid {output.Type.Name} JSON object: {ex.Message}"));
            }
        }

        public void AddToFingerprint(FingerprintBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            builder.Add("type", output.Type.FullName).Add("schema", output.Schema.GetRawText());
        }
    }
}
