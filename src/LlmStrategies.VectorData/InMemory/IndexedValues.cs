using System.Globalization;

namespace LlmStrategies.VectorData;

/// <summary>
/// Turns values of indexed data properties into the strings the vector and BM25 indexes filter on. Equal values give
/// equal strings (5 and 5.0m, the same instant in two time zones), a null value is its own token that no non-null value
/// can produce, so <c>r.Category == null</c> is an ordinary equality.
/// </summary>
internal static class IndexedValues
{
    internal const string SupportedTypes = "string, bool, int, uint, long, ulong, float, double, decimal, Guid, DateTime, DateTimeOffset, DateOnly, TimeOnly (and their nullable forms)";

    private const string NullToken = "\0";

    public static bool IsSupported(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        // byte, short and char are left out: C# widens them to int in comparisons, so a filter on them cannot bind to the property.
        return type == typeof(string) || type == typeof(bool)
            || type == typeof(int) || type == typeof(uint) || type == typeof(long) || type == typeof(ulong)
            || type == typeof(float) || type == typeof(double) || type == typeof(decimal)
            || type == typeof(Guid) || type == typeof(DateTime) || type == typeof(DateTimeOffset)
            || type == typeof(DateOnly) || type == typeof(TimeOnly);
    }

    /// <summary>Encodes a value of a property of type <paramref name="propertyType"/>, converting a filter constant of another numeric type first.</summary>
    public static string Encode(object? value, Type propertyType)
    {
        if (value is null)
        {
            return NullToken;
        }

        var type = Nullable.GetUnderlyingType(propertyType) ?? propertyType;
        if (value.GetType() != type && value is IConvertible && (type.IsPrimitive || type == typeof(decimal)))
        {
            value = Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
        }

        return "=" + value switch
        {
            string s => s,
            bool b => b ? "true" : "false",
            decimal m => m.ToString("G29", CultureInfo.InvariantCulture),
            double d => d == 0 ? "0" : d.ToString("R", CultureInfo.InvariantCulture),
            float f => f == 0 ? "0" : f.ToString("R", CultureInfo.InvariantCulture),
            DateTime t => t.Ticks.ToString(CultureInfo.InvariantCulture),
            DateTimeOffset o => o.UtcTicks.ToString(CultureInfo.InvariantCulture),
            DateOnly d => d.DayNumber.ToString(CultureInfo.InvariantCulture),
            TimeOnly t => t.Ticks.ToString(CultureInfo.InvariantCulture),
            Guid g => g.ToString("D"),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
    }
}
