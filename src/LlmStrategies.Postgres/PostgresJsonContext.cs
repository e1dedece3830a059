using System.Text.Json.Serialization;

namespace LlmStrategies.Postgres;

/// <summary>Source-generated JSON for the few values the package stores as JSON (trimming-safe).</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class PostgresJsonContext : JsonSerializerContext
{
}
