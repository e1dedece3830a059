using System.Text.Json.Serialization;

namespace LlmStrategies.Experiments;

/// <summary>Source-generated JSON metadata for the experiment files (trimming- and AOT-safe).</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RunRecord))]
[JsonSerializable(typeof(JsonlResponseCache.Entry))]
[JsonSerializable(typeof(PriceTable.PriceTableFile))]
internal sealed partial class ExperimentJsonContext : JsonSerializerContext;
