using System.Globalization;
using System.Linq.Expressions;

namespace LlmStrategies.VectorData;

/// <summary>
/// Turns a <see cref="MetadataFilter"/> into a collection filter expression from a map of metadata field names to record
/// properties: each condition becomes <c>r.P == v1 || r.P == v2 ...</c> and the conditions are joined with <c>&amp;&amp;</c>,
/// the subset of LINQ every Microsoft.Extensions.VectorData connector translates. The mapped properties must be
/// filterable in the store (<c>[VectorStoreData(IsIndexed = true)]</c>).
/// </summary>
/// <typeparam name="TRecord">The collection's record type.</typeparam>
/// <example><code>
/// var translator = new MetadataFilterTranslator&lt;Paragraph&gt;().Map("product", p => p.Product).Map("year", p => p.Year, int.Parse);
/// var retriever = new VectorStoreRetriever&lt;Paragraph&gt;(collection, ToChunk, new() { FilterTranslator = translator.Translate });
/// </code></example>
public sealed class MetadataFilterTranslator<TRecord>
{
    private readonly Dictionary<string, Func<Expression, string, Expression>> _fields = new(StringComparer.Ordinal);

    /// <summary>Gets the metadata fields that have a mapping.</summary>
    public IReadOnlyCollection<string> Fields => _fields.Keys;

    /// <summary>Maps a metadata field to a string property.</summary>
    /// <param name="field">The metadata field name.</param>
    /// <param name="property">The property, for example <c>r => r.Product</c>.</param>
    /// <returns>This translator.</returns>
    public MetadataFilterTranslator<TRecord> Map(string field, Expression<Func<TRecord, string?>> property) =>
        Map(field, property, static value => value);

    /// <summary>Maps a metadata field to a property of another type, parsing the filter's string values.</summary>
    /// <typeparam name="TValue">The property type.</typeparam>
    /// <param name="field">The metadata field name.</param>
    /// <param name="property">The property, for example <c>r => r.Year</c>.</param>
    /// <param name="parse">Turns a filter value into a property value, for example <c>int.Parse</c>.</param>
    /// <returns>This translator.</returns>
    public MetadataFilterTranslator<TRecord> Map<TValue>(string field, Expression<Func<TRecord, TValue>> property, Func<string, TValue> parse)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(field);
        ArgumentNullException.ThrowIfNull(property);
        ArgumentNullException.ThrowIfNull(parse);
        if (!_fields.TryAdd(field, (record, value) => Equal(property, record, field, value, parse)))
        {
            throw new ArgumentException($"Metadata field '{field}' is already mapped.", nameof(field));
        }

        return this;
    }

    /// <summary>Translates a filter.</summary>
    /// <param name="filter">The filter.</param>
    /// <returns>The collection filter expression.</returns>
    /// <exception cref="ArgumentException">The filter names a field without a mapping, or a value the field's parser rejects.</exception>
    public Expression<Func<TRecord, bool>> Translate(MetadataFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var record = Expression.Parameter(typeof(TRecord), "r");
        Expression? body = null;
        foreach (var (field, values) in filter.Conditions)
        {
            if (!_fields.TryGetValue(field, out var equal))
            {
                var known = _fields.Count == 0 ? "none" : string.Join(", ", _fields.Keys.Order(StringComparer.Ordinal));
                throw new ArgumentException($"The filter names metadata field '{field}', which has no mapping to a property of {typeof(TRecord).Name} (mapped fields: {known}). Check the spelling, or add Map(\"{field}\", r => r.Property) to the translator.", nameof(filter));
            }

            var condition = values.Select(v => equal(record, v)).Aggregate(Expression.OrElse);
            body = body is null ? condition : Expression.AndAlso(body, condition);
        }

        return Expression.Lambda<Func<TRecord, bool>>(body ?? Expression.Constant(true), record);
    }

    private static BinaryExpression Equal<TValue>(Expression<Func<TRecord, TValue>> property, Expression record, string field, string value, Func<string, TValue> parse)
    {
        TValue parsed;
        try
        {
            parsed = parse(value);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The filter value '{value}' of metadata field '{field}' cannot be converted to {typeof(TValue).Name}: {ex.Message}"), nameof(value), ex);
        }

        var body = new ParameterReplacer(property.Parameters[0], record).Visit(property.Body);
        return Expression.Equal(body, Expression.Constant(parsed, typeof(TValue)));
    }

    private sealed class ParameterReplacer(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
