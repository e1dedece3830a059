using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Pipeline;

/// <summary>
/// Writes every answer-affecting <see cref="ChatOptions"/> setting to a fingerprint: the sampling settings, the
/// instructions, the conversation id, reasoning, the response format, tools (name, description and JSON schemas), the
/// tool mode, the continuation token and every additional property as canonical JSON. A setting that cannot be written
/// canonically makes the pipeline refuse to build (<see cref="ThrowIfUnsupported"/>) rather than be silently ignored,
/// because an ignored setting would let two different strategies share cached answers.
/// </summary>
internal static class ChatOptionsFingerprint
{
    /// <summary>Fails, naming the setting and the fix, when the options hold something that cannot be fingerprinted.</summary>
    public static void ThrowIfUnsupported(string strategy, ChatOptions? options)
    {
        if (options is null)
        {
            return;
        }

        if (options.RawRepresentationFactory is not null)
        {
            throw new InvalidOperationException($"ChatOptions.RawRepresentationFactory of strategy '{strategy}' is a function, which cannot be part of the strategy's fingerprint, so two strategies differing only there would share cached answers. Express the setting with ChatOptions properties or AdditionalProperties (JSON values), or wrap the chat client in middleware that sets it and implements IFingerprintable.");
        }

        _ = Json(strategy, options.AdditionalProperties);
        foreach (var tool in options.Tools ?? [])
        {
            _ = Json(strategy, tool.AdditionalProperties);
        }
    }

    public static void Add(FingerprintBuilder builder, ChatOptions? chat)
    {
        builder.Add("chat.model", chat?.ModelId)
            .Add("chat.instructions", chat?.Instructions)
            .Add("chat.conversation-id", chat?.ConversationId)
            .Add("chat.temperature", chat?.Temperature)
            .Add("chat.top-p", chat?.TopP)
            .Add("chat.top-k", chat?.TopK)
            .Add("chat.max-output-tokens", chat?.MaxOutputTokens)
            .Add("chat.seed", chat?.Seed)
            .Add("chat.frequency-penalty", chat?.FrequencyPenalty)
            .Add("chat.presence-penalty", chat?.PresencePenalty)
            .Add("chat.stop", chat?.StopSequences is { } stop ? string.Join("\u001f", stop) : null)
            .Add("chat.response-format", chat?.ResponseFormat switch
            {
                null => null,
                ChatResponseFormatJson json => $"json:{json.SchemaName}\u001f{json.SchemaDescription}\u001f{json.Schema?.GetRawText()}",
                var other => other.GetType().Name,
            })
            .Add("chat.reasoning", chat?.Reasoning is { } reasoning ? $"{reasoning.Effort}\u001f{reasoning.Output}" : null)
            .Add("chat.tool-mode", chat?.ToolMode switch
            {
                null => null,
                RequiredChatToolMode required => "required:" + required.RequiredFunctionName,
                var mode => mode.GetType().Name,
            })
            .Add("chat.multiple-tool-calls", chat?.AllowMultipleToolCalls?.ToString(CultureInfo.InvariantCulture))
            .Add("chat.background-responses", chat?.AllowBackgroundResponses?.ToString(CultureInfo.InvariantCulture))
            .Add("chat.continuation-token", chat?.ContinuationToken is { } token ? Convert.ToBase64String(token.ToBytes().Span) : null)
            .Add("chat.additional-properties", Json(string.Empty, chat?.AdditionalProperties));
        var tools = chat?.Tools ?? [];
        builder.Add("chat.tools", tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            builder.Add(string.Create(CultureInfo.InvariantCulture, $"chat.tool.{i}"), Tool(tools[i]));
        }
    }

    private static string Tool(AITool tool)
    {
        var text = string.Join('\u001f', tool.GetType().FullName, tool.Name, tool.Description, Json(string.Empty, tool.AdditionalProperties));
        return tool is AIFunctionDeclaration function
            ? string.Join('\u001f', text, function.JsonSchema.GetRawText(), function.ReturnJsonSchema?.GetRawText())
            : text;
    }

    /// <summary>The properties as canonical JSON (keys in ordinal order), or <see langword="null"/> when there are none.</summary>
    private static string? Json(string strategy, IEnumerable<KeyValuePair<string, object?>>? properties)
    {
        if (properties is null || !properties.Any())
        {
            return null;
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in properties.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(key);
                try
                {
                    if (value is null)
                    {
                        writer.WriteNullValue();
                    }
                    else
                    {
                        JsonSerializer.Serialize(writer, value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType()));
                    }
                }
                catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException)
                {
                    throw new InvalidOperationException($"ChatOptions additional property '{key}'{(strategy.Length == 0 ? string.Empty : $" of strategy '{strategy}'")} holds a {value!.GetType().FullName}, which cannot be written as JSON ({ex.Message}), so it cannot be part of the strategy's fingerprint and two strategies differing only there would share cached answers. Use JSON-serialisable values (strings, numbers, Booleans, JsonElement, arrays and dictionaries of those).", ex);
                }
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
