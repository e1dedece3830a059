using System.Text.RegularExpressions;

namespace LlmStrategies.Postgres.Connection;

/// <summary>
/// Names the package puts into SQL text (schema, collection and store names, text-search configurations). They are
/// validated against a strict pattern instead of quoted, so a name can never carry SQL.
/// </summary>
internal static partial class SqlNames
{
    public static string Validate(string name, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name, what);
        if (!Pattern().IsMatch(name))
        {
            throw new ArgumentException($"The {what} '{name}' is not a valid name: use lowercase letters, digits and underscores, starting with a letter (at most 48 characters).", what);
        }

        return name;
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,47}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
