using System.Text.Json.Serialization;

namespace LlmStrategies.Tuning;

/// <summary>Source-generated JSON metadata for the tuning files: search spaces, tuned configurations, tuning and grid reports (trimming- and AOT-safe).</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    UseStringEnumConverter = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    Converters = [typeof(ParameterValueJsonConverter)])]
[JsonSerializable(typeof(SearchSpaceFile))]
[JsonSerializable(typeof(TunedConfigurationFile))]
[JsonSerializable(typeof(TuningReport))]
[JsonSerializable(typeof(ModelStrategyGridReport))]
internal sealed partial class TuningJsonContext : JsonSerializerContext;
