using System.Collections;
using System.Linq.Expressions;
using Microsoft.Extensions.VectorData.ProviderServices;
using Microsoft.Extensions.VectorData.ProviderServices.Filter;

namespace LlmStrategies.VectorData;

/// <summary>
/// Compiles a LINQ filter (<c>r => r.Category == "a" &amp;&amp; r.Year == year</c>) into a <see cref="RecordFilter"/>.
/// Captured variables are evaluated by the ecosystem's preprocessor and properties bound with its rules, so a filter that
/// works here binds the same way in other connectors. Supported: <c>==</c> between an indexed property and a value,
/// <c>&amp;&amp;</c>, <c>||</c> of equalities on one property, <c>values.Contains(r.Property)</c>, a bool property
/// (or its negation) and the constants true/false. Anything else throws <see cref="NotSupportedException"/> naming it.
/// </summary>
internal sealed class FilterCompiler : FilterTranslatorBase
{
    private const string Supported = "== between an indexed property and a value, &&, || of == tests on the same property, values.Contains(r.Property), a bool property or its negation, and true/false";

    private readonly List<KeyValuePair<string, string[]>> _conditions = [];
    private bool _matchesNothing;

    private FilterCompiler()
    {
    }

    public static RecordFilter Compile(LambdaExpression? filter, CollectionModel model)
    {
        if (filter is null)
        {
            return RecordFilter.None;
        }

        var compiler = new FilterCompiler();
        var body = compiler.PreprocessFilter(filter, model, new FilterPreprocessingOptions { SupportsParameterization = false });
        compiler.Visit(body);
        return new RecordFilter([.. compiler._conditions], compiler._matchesNothing);
    }

    private static object? ValueOf(Expression expression, out bool isValue)
    {
        // The preprocessor inlines captured variables as constants; conversions of constants (int to long?, ...) remain.
        while (expression is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert)
        {
            expression = convert.Operand;
        }

        isValue = expression is ConstantExpression;
        return (expression as ConstantExpression)?.Value;
    }

    private static NotSupportedException Unsupported(Expression node, string construct) =>
        new($"InMemoryHybridCollection cannot evaluate {construct} in the filter ({node}). Supported: {Supported}.");

    private void Visit(Expression node)
    {
        switch (node)
        {
            case ConstantExpression { Value: bool constant }:
                _matchesNothing |= !constant;
                break;

            case BinaryExpression { NodeType: ExpressionType.AndAlso } and:
                Visit(and.Left);
                Visit(and.Right);
                break;

            case BinaryExpression { NodeType: ExpressionType.Equal } equal:
                var (property, value) = BindEquality(equal);
                Add(property, [value]);
                break;

            case BinaryExpression { NodeType: ExpressionType.OrElse } or:
                VisitDisjunction(or);
                break;

            case MethodCallExpression call when TryMatchContains(call, out var source, out var item):
                VisitContains(call, source, item);
                break;

            case UnaryExpression { NodeType: ExpressionType.Not, Operand: var operand } when TryBindIndexed(operand, out var flag) && IsBool(flag):
                Add(flag, [false]);
                break;

            case var member when TryBindIndexed(member, out var flag) && IsBool(flag):
                Add(flag, [true]);
                break;

            case BinaryExpression binary:
                throw Unsupported(node, $"the operator '{binary.NodeType}'");
            case MethodCallExpression call:
                throw Unsupported(node, $"a call to '{call.Method.DeclaringType?.Name}.{call.Method.Name}'");
            default:
                throw Unsupported(node, $"an expression of kind '{node.NodeType}'");
        }
    }

    private void VisitDisjunction(BinaryExpression or)
    {
        // Only "p == a || p == b || ..." on one property: it is an IN condition, which every index evaluates exactly.
        var tests = new List<BinaryExpression>();
        var pending = new Stack<Expression>([or]);
        while (pending.TryPop(out var next))
        {
            if (next is BinaryExpression { NodeType: ExpressionType.OrElse } nested)
            {
                pending.Push(nested.Right);
                pending.Push(nested.Left);
            }
            else if (next is BinaryExpression { NodeType: ExpressionType.Equal } equal)
            {
                tests.Add(equal);
            }
            else
            {
                throw Unsupported(or, "'||' over something other than == tests");
            }
        }

        var bound = tests.Select(BindEquality).ToArray();
        if (bound.Any(b => b.Property != bound[0].Property))
        {
            throw Unsupported(or, "'||' across different properties");
        }

        Add(bound[0].Property, bound.Select(b => b.Value).ToArray());
    }

    private void VisitContains(MethodCallExpression call, Expression source, Expression item)
    {
        if (!TryBindIndexed(item, out var property))
        {
            throw Unsupported(call, "Contains on a property (any-tag filters on collection properties)");
        }

        if (ListOf(source) is not { } values)
        {
            throw Unsupported(call, "Contains over something other than a constant or captured list, or an array of constants");
        }

        Add(property, values);
    }

    /// <summary>Evaluates the list of a Contains: a constant or captured collection, or an array literal of constants.</summary>
    private static object?[]? ListOf(Expression source)
    {
        // C# 14 binds array.Contains(x) to MemoryExtensions.Contains over an implicit span conversion; look through it.
        while (true)
        {
            switch (source)
            {
                case UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert:
                    source = convert.Operand;
                    continue;
                case MethodCallExpression { Method.Name: "op_Implicit", Arguments: [var operand] }:
                    source = operand;
                    continue;
                case ConstantExpression { Value: IEnumerable values } when values is not string:
                    return values.Cast<object?>().ToArray();
                case NewArrayExpression { NodeType: ExpressionType.NewArrayInit } array:
                    var items = new object?[array.Expressions.Count];
                    for (var i = 0; i < items.Length; i++)
                    {
                        items[i] = ValueOf(array.Expressions[i], out var isValue);
                        if (!isValue)
                        {
                            return null;
                        }
                    }

                    return items;
                default:
                    return null;
            }
        }
    }

    private (PropertyModel Property, object? Value) BindEquality(BinaryExpression equal)
    {
        if (TryBindIndexed(equal.Left, out var property))
        {
            var value = ValueOf(equal.Right, out var isValue);
            if (isValue)
            {
                return (property, value);
            }
        }
        else if (TryBindIndexed(equal.Right, out property))
        {
            var value = ValueOf(equal.Left, out var isValue);
            if (isValue)
            {
                return (property, value);
            }
        }

        throw Unsupported(equal, "'==' that does not compare one indexed property with a value");
    }

    private bool TryBindIndexed(Expression expression, out PropertyModel property)
    {
        if (!TryBindProperty(expression, out var bound))
        {
            property = null!;
            return false;
        }

        if (bound is not DataPropertyModel { IsIndexed: true })
        {
            throw new InvalidOperationException($"The filter tests property '{bound.ModelName}', which is not an indexed data property. Mark it [VectorStoreData(IsIndexed = true)] (or IsIndexed = true in the VectorStoreCollectionDefinition) to filter on it.");
        }

        property = bound;
        return true;
    }

    private static bool IsBool(PropertyModel property) => (Nullable.GetUnderlyingType(property.Type) ?? property.Type) == typeof(bool);

    private void Add(PropertyModel property, object?[] values)
    {
        if (values.Length == 0)
        {
            // An empty list contains nothing, so no record can match.
            _matchesNothing = true;
            return;
        }

        _conditions.Add(new(property.ModelName, values.Select(v => IndexedValues.Encode(v, property.Type)).Distinct(StringComparer.Ordinal).ToArray()));
    }
}
