using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace LlmStrategies.Postgres.Connection;

/// <summary>
/// Translates a <see cref="MetadataFilter"/> into a JSONB predicate: each condition "field is one of these values"
/// becomes <c>(metadata @&gt; '{"field":"v1"}' OR metadata @&gt; '{"field":"v2"}')</c>, the conditions joined by AND.
/// Containment compares strings exactly (as the filter's ordinal comparison does), a missing field fails its
/// condition, and a GIN index with <c>jsonb_path_ops</c> serves every term. Values travel as parameters, never as text.
/// </summary>
internal static class MetadataPredicate
{
    /// <summary>Appends " AND (...)" for each condition to <paramref name="sql"/> and the parameters to <paramref name="parameters"/>.</summary>
    public static void Append(StringBuilder sql, NpgsqlParameterCollection parameters, MetadataFilter? filter, string column, string parameterPrefix)
    {
        if (filter is null)
        {
            return;
        }

        var index = 0;
        foreach (var (field, values) in filter.Conditions)
        {
            sql.Append(" AND (");
            for (var v = 0; v < values.Length; v++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"{parameterPrefix}{index++}");
                sql.Append(v == 0 ? string.Empty : " OR ").Append(column).Append(" @> @").Append(name);
                parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = Json(field, values[v]) });
            }

            sql.Append(')');
        }
    }

    /// <summary>Serialises metadata as a JSON object of strings.</summary>
    public static string Json(IReadOnlyDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in metadata)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads metadata written by <see cref="Json(IReadOnlyDictionary{string, string})"/>.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            metadata[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }

        return metadata;
    }

    private static string Json(string field, string value) => Json(new Dictionary<string, string>(1) { [field] = value });
}
