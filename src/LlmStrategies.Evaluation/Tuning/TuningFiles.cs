using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using LlmStrategies.IO;

namespace LlmStrategies.Tuning;

/// <summary>Reads the versioned JSON files of the tuning folder: schema and version first, then the typed body, every failure a <see cref="TuningFileException"/>.</summary>
internal static class TuningFiles
{
    /// <summary>Writes a report's three renderings as {baseName}.json, .md and .fragment.html, each atomically.</summary>
    public static IReadOnlyList<string> SaveAll(string directory, string baseName, string json, string markdown, string html)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseName);
        string[] paths = [Path.Combine(directory, baseName + ".json"), Path.Combine(directory, baseName + ".md"), Path.Combine(directory, baseName + ".fragment.html")];
        AtomicFile.WriteAllText(paths[0], json);
        AtomicFile.WriteAllText(paths[1], markdown);
        AtomicFile.WriteAllText(paths[2], html);
        return paths;
    }

    public static T Deserialize<T>(string json, string source, string schema, int version, JsonTypeInfo<T> typeInfo, string kind)
        where T : class
    {
        string? foundSchema;
        int foundVersion;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new TuningFileException(source, $"not {kind}: the JSON is a {document.RootElement.ValueKind}, not an object.", null);
            }

            foundSchema = document.RootElement.TryGetProperty("schema", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            foundVersion = document.RootElement.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : -1;
        }
        catch (JsonException ex)
        {
            throw new TuningFileException(source, $"not JSON (line {(ex.LineNumber ?? 0) + 1}: {ex.Message}); expected {kind}.", ex);
        }

        if (foundSchema != schema)
        {
            throw new TuningFileException(source, $"not {kind}: its schema is '{foundSchema ?? "(none)"}', expected '{schema}'.", null);
        }

        if (foundVersion != version)
        {
            throw new TuningFileException(source, $"{kind} of version {foundVersion}; this library reads version {version}. Re-create it with this version.", null);
        }

        try
        {
            return JsonSerializer.Deserialize(json, typeInfo) ?? throw new TuningFileException(source, $"{kind} that is null.", null);
        }
        catch (JsonException ex)
        {
            throw new TuningFileException(source, $"corrupt {kind} (line {(ex.LineNumber ?? 0) + 1}, {ex.Path}: {ex.Message}).", ex);
        }
    }
}

/// <summary>Writes a <see cref="ParameterValue"/> as a plain JSON number, string or Boolean; reads numbers without a fraction as integers (the parameter's declared kind decides).</summary>
internal sealed class ParameterValueJsonConverter : JsonConverter<ParameterValue>
{
    public override ParameterValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Number when reader.TryGetInt64(out var integer) => ParameterValue.FromInteger(integer),
        JsonTokenType.Number => ParameterValue.FromNumber(reader.GetDouble()),
        JsonTokenType.String => ParameterValue.FromText(reader.GetString()!),
        JsonTokenType.True => ParameterValue.FromBoolean(true),
        JsonTokenType.False => ParameterValue.FromBoolean(false),
        _ => throw new JsonException($"A parameter value must be a number, a string or a Boolean, not {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, ParameterValue value, JsonSerializerOptions options)
    {
        switch (value.Kind)
        {
            case ParameterKind.WholeNumber:
                writer.WriteNumberValue(value.AsInteger());
                break;
            case ParameterKind.Number:
                writer.WriteNumberValue(value.AsNumber());
                break;
            case ParameterKind.Boolean:
                writer.WriteBooleanValue(value.AsBoolean());
                break;
            default:
                writer.WriteStringValue(value.AsText());
                break;
        }
    }
}

/// <summary>A search space as stored.</summary>
internal sealed class SearchSpaceFile
{
    public string? Schema { get; set; }

    public int Version { get; set; }

    public List<SearchParameterFile>? Parameters { get; set; }
}

/// <summary>A parameter as stored.</summary>
internal sealed class SearchParameterFile
{
    public string? Name { get; set; }

    public ParameterKind? Kind { get; set; }

    public List<ParameterValue>? Values { get; set; }
}
