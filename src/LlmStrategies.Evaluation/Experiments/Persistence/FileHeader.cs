using System.Globalization;
using System.Text.Json;

namespace LlmStrategies.Experiments;

/// <summary>
/// Reads the header fields of this library's experiment files (checkpoint, response cache, report) without trusting
/// their JSON types: a number where a string belongs, a fraction or an out-of-range number as the version, or a header
/// that is not an object is a mismatch to report, never an <see cref="InvalidOperationException"/> or
/// <see cref="FormatException"/> from inside <see cref="JsonElement"/>.
/// </summary>
internal static class FileHeader
{
    /// <summary>A string field as written (its raw JSON when it is not a string), or <see langword="null"/> when absent.</summary>
    public static string? Text(JsonElement header, string field) =>
        header.ValueKind == JsonValueKind.Object && header.TryGetProperty(field, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

    /// <summary>A field's raw JSON (a string keeps its quotes, so "1" and 1 read differently), or <see langword="null"/> when absent.</summary>
    private static string? RawJson(JsonElement header, string field) =>
        header.ValueKind == JsonValueKind.Object && header.TryGetProperty(field, out var value) ? value.GetRawText() : null;

    /// <summary>The "version" field, or -1 when it is absent or not a whole number in the range of <see cref="int"/>.</summary>
    public static int Version(JsonElement header) =>
        header.ValueKind == JsonValueKind.Object && header.TryGetProperty("version", out var value)
        && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var version)
            ? version
            : -1;

    /// <summary>What is wrong with a header, or <see langword="null"/> when it has the expected schema, version and identity.</summary>
    /// <param name="header">The parsed header.</param>
    /// <param name="schema">The expected schema name.</param>
    /// <param name="version">The expected version.</param>
    /// <param name="identity">The expected identity, or <see langword="null"/> when the file has none.</param>
    public static string? Mismatch(JsonElement header, string schema, int version, string? identity)
    {
        if (header.ValueKind != JsonValueKind.Object)
        {
            return $"its header is a JSON {header.ValueKind.ToString().ToLowerInvariant()}, not an object with \"schema\", \"version\" and \"identity\"";
        }

        var fileSchema = Text(header, "schema");
        if (fileSchema != schema)
        {
            return $"its schema is '{fileSchema}', expected '{schema}'";
        }

        var fileVersion = Version(header);
        if (fileVersion != version)
        {
            return fileVersion < 0
                ? $"its version is {RawJson(header, "version") ?? "missing"}, not a whole number; this library reads version {version.ToString(CultureInfo.InvariantCulture)}"
                : $"it is version {fileVersion.ToString(CultureInfo.InvariantCulture)}, this library reads version {version.ToString(CultureInfo.InvariantCulture)}";
        }

        var fileIdentity = Text(header, "identity");
        return identity is not null && fileIdentity != identity
            ? $"it was written for identity {fileIdentity}, this one is {identity} (different strategies, items, repeats or evaluators)"
            : null;
    }
}
