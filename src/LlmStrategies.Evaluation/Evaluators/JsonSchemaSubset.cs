using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LlmStrategies.Evaluation;

/// <summary>
/// A validator for the subset of JSON Schema (draft 2020-12 semantics) that output formats use: type, enum, const,
/// properties, required, additionalProperties, items, minItems, maxItems, minLength, maxLength, pattern, minimum,
/// maximum, exclusiveMinimum, exclusiveMaximum, allOf, anyOf, oneOf, not. Annotations (title, description, $schema,
/// $id, $comment, default, examples, format) are accepted and not checked. Any other keyword ($ref, if/then...)
/// is rejected when the schema is loaded, so a schema is never half-checked silently.
/// </summary>
internal sealed class JsonSchemaSubset
{
    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
    {
        "type", "enum", "const", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
        "minLength", "maxLength", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "allOf", "anyOf", "oneOf", "not", "title", "description", "$schema", "$id", "$comment", "default", "examples", "format",
    };

    private readonly JsonElement _schema;

    public JsonSchemaSubset(string schemaJson)
    {
        using var document = JsonDocument.Parse(schemaJson);
        _schema = document.RootElement.Clone();
        CheckKeywords(_schema, "#");
    }

    /// <summary>Validates <paramref name="instance"/>; returns every violation as "path: problem".</summary>
    public List<string> Validate(JsonElement instance)
    {
        var errors = new List<string>();
        Validate(_schema, instance, "$", errors);
        return errors;
    }

    private static void CheckKeywords(JsonElement schema, string path)
    {
        if (schema.ValueKind == JsonValueKind.True || schema.ValueKind == JsonValueKind.False)
        {
            return;
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"JSON schema at {path} must be an object or a Boolean.");
        }

        foreach (var property in schema.EnumerateObject())
        {
            if (!Supported.Contains(property.Name))
            {
                throw new NotSupportedException($"JSON schema keyword '{property.Name}' at {path} is not supported by {nameof(JsonEvaluator)}; supported: {string.Join(", ", Supported.Order(StringComparer.Ordinal))}. Inline $ref'd definitions or drop the keyword.");
            }

            switch (property.Name)
            {
                case "properties":
                    foreach (var child in property.Value.EnumerateObject())
                    {
                        CheckKeywords(child.Value, $"{path}/properties/{child.Name}");
                    }

                    break;
                case "items" or "not" or "additionalProperties" when property.Value.ValueKind is JsonValueKind.Object:
                    CheckKeywords(property.Value, $"{path}/{property.Name}");
                    break;
                case "allOf" or "anyOf" or "oneOf":
                    var i = 0;
                    foreach (var child in property.Value.EnumerateArray())
                    {
                        CheckKeywords(child, $"{path}/{property.Name}/{i++}");
                    }

                    break;
            }
        }
    }

    private static void Validate(JsonElement schema, JsonElement instance, string path, List<string> errors)
    {
        if (schema.ValueKind == JsonValueKind.True)
        {
            return;
        }

        if (schema.ValueKind == JsonValueKind.False)
        {
            errors.Add($"{path}: no value is allowed here");
            return;
        }

        if (schema.TryGetProperty("type", out var type) && !TypeMatches(type, instance))
        {
            errors.Add($"{path}: expected type {type.GetRawText()}, found {Kind(instance)}");
            return;
        }

        ValidateValue(schema, instance, path, errors);
        switch (instance.ValueKind)
        {
            case JsonValueKind.Object:
                ValidateObject(schema, instance, path, errors);
                break;
            case JsonValueKind.Array:
                ValidateArray(schema, instance, path, errors);
                break;
            case JsonValueKind.String:
                ValidateString(schema, instance, path, errors);
                break;
            case JsonValueKind.Number:
                ValidateNumber(schema, instance, path, errors);
                break;
        }

        ValidateCombinators(schema, instance, path, errors);
    }

    /// <summary>enum and const.</summary>
    private static void ValidateValue(JsonElement schema, JsonElement instance, string path, List<string> errors)
    {
        if (schema.TryGetProperty("enum", out var enumeration) && !enumeration.EnumerateArray().Any(e => JsonElement.DeepEquals(e, instance)))
        {
            errors.Add($"{path}: {Short(instance)} is not one of {enumeration.GetRawText()}");
        }

        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, instance))
        {
            errors.Add($"{path}: expected {constant.GetRawText()}, found {Short(instance)}");
        }
    }

    /// <summary>minItems, maxItems and items.</summary>
    private static void ValidateArray(JsonElement schema, JsonElement instance, string path, List<string> errors)
    {
        var count = instance.GetArrayLength();
        if (schema.TryGetProperty("minItems", out var minItems) && count < minItems.GetInt32())
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: {count} items, at least {minItems.GetInt32()} required"));
        }

        if (schema.TryGetProperty("maxItems", out var maxItems) && count > maxItems.GetInt32())
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: {count} items, at most {maxItems.GetInt32()} allowed"));
        }

        if (schema.TryGetProperty("items", out var items))
        {
            var i = 0;
            foreach (var element in instance.EnumerateArray())
            {
                Validate(items, element, string.Create(CultureInfo.InvariantCulture, $"{path}[{i++}]"), errors);
            }
        }
    }

    /// <summary>minLength, maxLength (in code points, as JSON Schema counts) and pattern.</summary>
    private static void ValidateString(JsonElement schema, JsonElement instance, string path, List<string> errors)
    {
        var text = instance.GetString()!;
        var length = text.EnumerateRunes().Count();
        if (schema.TryGetProperty("minLength", out var minLength) && length < minLength.GetInt32())
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: length {length}, at least {minLength.GetInt32()} required"));
        }

        if (schema.TryGetProperty("maxLength", out var maxLength) && length > maxLength.GetInt32())
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: length {length}, at most {maxLength.GetInt32()} allowed"));
        }

        if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(text, pattern.GetString()!, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
        {
            errors.Add($"{path}: {Short(instance)} does not match /{pattern.GetString()}/");
        }
    }

    /// <summary>minimum, maximum, exclusiveMinimum and exclusiveMaximum.</summary>
    private static void ValidateNumber(JsonElement schema, JsonElement instance, string path, List<string> errors)
    {
        var value = instance.GetDouble();
        Bound(schema, "minimum", value, (v, b) => v >= b, ">=", path, errors);
        Bound(schema, "maximum", value, (v, b) => v <= b, "<=", path, errors);
        Bound(schema, "exclusiveMinimum", value, (v, b) => v > b, ">", path, errors);
        Bound(schema, "exclusiveMaximum", value, (v, b) => v < b, "<", path, errors);
    }

    /// <summary>allOf, anyOf, oneOf and not.</summary>
    private static void ValidateCombinators(JsonElement schema, JsonElement instance, string path, List<string> errors)
    {
        if (schema.TryGetProperty("allOf", out var allOf))
        {
            foreach (var child in allOf.EnumerateArray())
            {
                Validate(child, instance, path, errors);
            }
        }

        if (schema.TryGetProperty("anyOf", out var anyOf) && !anyOf.EnumerateArray().Any(child => IsValid(child, instance)))
        {
            errors.Add($"{path}: matches none of the anyOf alternatives");
        }

        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            var matches = oneOf.EnumerateArray().Count(child => IsValid(child, instance));
            if (matches != 1)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: matches {matches} of the oneOf alternatives, exactly 1 required"));
            }
        }

        if (schema.TryGetProperty("not", out var not) && IsValid(not, instance))
        {
            errors.Add($"{path}: matches the 'not' schema");
        }
    }

    private static void ValidateObject(JsonElement schema, JsonElement instance, string path, List<string> errors)
    {
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray())
            {
                if (!instance.TryGetProperty(name.GetString()!, out _))
                {
                    errors.Add($"{path}: required property '{name.GetString()}' is missing");
                }
            }
        }

        var hasProperties = schema.TryGetProperty("properties", out var properties);
        var hasAdditional = schema.TryGetProperty("additionalProperties", out var additional);
        foreach (var property in instance.EnumerateObject())
        {
            if (hasProperties && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                Validate(propertySchema, property.Value, $"{path}.{property.Name}", errors);
            }
            else if (hasAdditional)
            {
                if (additional.ValueKind == JsonValueKind.False)
                {
                    errors.Add($"{path}: property '{property.Name}' is not allowed");
                }
                else
                {
                    Validate(additional, property.Value, $"{path}.{property.Name}", errors);
                }
            }
        }
    }

    private static bool IsValid(JsonElement schema, JsonElement instance)
    {
        var errors = new List<string>();
        Validate(schema, instance, "$", errors);
        return errors.Count == 0;
    }

    private static void Bound(JsonElement schema, string keyword, double value, Func<double, double, bool> ok, string relation, string path, List<string> errors)
    {
        if (schema.TryGetProperty(keyword, out var bound) && !ok(value, bound.GetDouble()))
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: {value:R} is not {relation} {bound.GetDouble():R}"));
        }
    }

    private static bool TypeMatches(JsonElement type, JsonElement instance) =>
        type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Any(t => TypeMatches(t.GetString()!, instance))
            : TypeMatches(type.GetString()!, instance);

    private static bool TypeMatches(string type, JsonElement instance) => type switch
    {
        "object" => instance.ValueKind == JsonValueKind.Object,
        "array" => instance.ValueKind == JsonValueKind.Array,
        "string" => instance.ValueKind == JsonValueKind.String,
        "number" => instance.ValueKind == JsonValueKind.Number,
        "integer" => instance.ValueKind == JsonValueKind.Number && Math.Floor(instance.GetDouble()) == instance.GetDouble(),
        "boolean" => instance.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => instance.ValueKind == JsonValueKind.Null,
        _ => throw new NotSupportedException($"JSON schema type '{type}' is unknown; use object, array, string, number, integer, boolean or null."),
    };

    private static string Kind(JsonElement instance) => instance.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => instance.ValueKind.ToString().ToLowerInvariant(),
    };

    private static string Short(JsonElement instance)
    {
        var raw = instance.GetRawText();
        return raw.Length <= 40 ? raw : raw[..40] + "...";
    }
}
