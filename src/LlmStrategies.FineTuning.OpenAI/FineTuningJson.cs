using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmStrategies.FineTuning.OpenAI;

/// <summary>The OpenAI fine-tuning API's JSON objects, only the fields this client reads.</summary>
internal sealed class FileObject
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }
}

internal sealed class JobObject
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("fine_tuned_model")]
    public string? FineTunedModel { get; set; }

    [JsonPropertyName("trained_tokens")]
    public long? TrainedTokens { get; set; }

    [JsonPropertyName("error")]
    public ApiError? Error { get; set; }

    [JsonPropertyName("created_at")]
    public long? CreatedAt { get; set; }

    [JsonPropertyName("finished_at")]
    public long? FinishedAt { get; set; }
}

internal sealed class EventList
{
    [JsonPropertyName("data")]
    public List<EventObject>? Data { get; set; }

    [JsonPropertyName("has_more")]
    public bool HasMore { get; set; }
}

internal sealed class EventObject
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("created_at")]
    public long CreatedAt { get; set; }

    [JsonPropertyName("level")]
    public string? Level { get; set; }

    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("data")]
    public JsonElement? Data { get; set; }
}

internal sealed class ErrorEnvelope
{
    [JsonPropertyName("error")]
    public ApiError? Error { get; set; }
}

internal sealed class ApiError
{
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("code")]
    public string? Code { get; set; }
}

[JsonSerializable(typeof(FileObject))]
[JsonSerializable(typeof(JobObject))]
[JsonSerializable(typeof(EventList))]
[JsonSerializable(typeof(ErrorEnvelope))]
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
internal sealed partial class FineTuningJsonContext : JsonSerializerContext;
