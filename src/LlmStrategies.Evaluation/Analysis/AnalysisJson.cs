using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using LlmStrategies.Experiments;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>Schema-checked JSON for the analysis results: the schema name and version are read first, so a foreign or newer file fails with a message that says which it is.</summary>
internal static class AnalysisJson
{
    public static string Serialize<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.Serialize(value, typeInfo);

    public static T Deserialize<T>(string json, string schemaName, int schemaVersion, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(json);
        string? schema;
        int version;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            schema = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("schema", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            version = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : -1;
        }
        catch (JsonException ex)
        {
            throw new ExperimentFileException($"not JSON ({ex.Message}); expected a '{schemaName}' document.", ex);
        }

        if (schema != schemaName)
        {
            throw new ExperimentFileException($"not a '{schemaName}' document: its schema is '{schema}'.");
        }

        if (version != schemaVersion)
        {
            throw new ExperimentFileException($"a '{schemaName}' document of version {version}; this library reads version {schemaVersion}. Regenerate it with this version.");
        }

        try
        {
            return JsonSerializer.Deserialize(json, typeInfo) ?? throw new ExperimentFileException($"the '{schemaName}' document is null.");
        }
        catch (JsonException ex)
        {
            throw new ExperimentFileException($"a corrupt '{schemaName}' document ({ex.Message}).", ex);
        }
    }
}

/// <summary>Source-generated JSON metadata for the analysis results (trimming- and AOT-safe).</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(DatasetProfile))]
[JsonSerializable(typeof(FailureAnalysis))]
[JsonSerializable(typeof(DataWorkReport))]
internal sealed partial class AnalysisJsonContext : JsonSerializerContext;
