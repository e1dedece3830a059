using System.Text.Json.Serialization;
using LlmStrategies.Experiments;

namespace LlmStrategies.Postgres;

/// <summary>Source-generated JSON for the values the package stores as JSON (trimming-safe), in the experiment files' conventions.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(RunRecord))]
internal sealed partial class PostgresJsonContext : JsonSerializerContext
{
}
