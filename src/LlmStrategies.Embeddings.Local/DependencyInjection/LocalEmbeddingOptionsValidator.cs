using LlmStrategies.Embeddings.Local.Model;
using Microsoft.Extensions.Options;

namespace LlmStrategies.Embeddings.Local;

/// <summary>Checks <see cref="LocalEmbeddingOptions"/> at start-up so a misconfigured host fails early with a message that names the setting.</summary>
internal sealed class LocalEmbeddingOptionsValidator : IValidateOptions<LocalEmbeddingOptions>
{
    public ValidateOptionsResult Validate(string? name, LocalEmbeddingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxDegreeOfParallelism < 1)
        {
            failures.Add($"{nameof(LocalEmbeddingOptions)}.{nameof(LocalEmbeddingOptions.MaxDegreeOfParallelism)} is {options.MaxDegreeOfParallelism}; it must be at least 1.");
        }

        if (options.DownloadTimeout <= TimeSpan.Zero && options.DownloadTimeout != Timeout.InfiniteTimeSpan)
        {
            failures.Add($"{nameof(LocalEmbeddingOptions)}.{nameof(LocalEmbeddingOptions.DownloadTimeout)} is {options.DownloadTimeout}; it must be positive (or Timeout.InfiniteTimeSpan).");
        }

        if (options.Registry is { } registry && !IsHttpUrl(registry))
        {
            failures.Add($"{nameof(LocalEmbeddingOptions)}.{nameof(LocalEmbeddingOptions.Registry)} is '{registry}'; it must be the absolute http:// or https:// base URL of an npm registry (or null to use NPM_CONFIG_REGISTRY, ~/.npmrc or {NpmRegistry.DefaultRegistry}).");
        }

        if (options.ModelDirectory is { } directory && string.IsNullOrWhiteSpace(directory))
        {
            failures.Add($"{nameof(LocalEmbeddingOptions)}.{nameof(LocalEmbeddingOptions.ModelDirectory)} is blank; set a folder path or leave it null to use the {LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable} environment variable or the default folder.");
        }
        else if (!ModelPackageInstaller.IsAutoDownloadEnabled(options))
        {
            // With AutoDownload (the default) a missing model is fetched when the generator is created.
            var (resolved, source) = ModelFiles.Resolve(options);
            var missing = ModelFiles.RequiredFileNames.Where(file => !File.Exists(Path.Combine(resolved, file))).ToList();
            if (missing.Count > 0)
            {
                failures.Add(
                    $"The embedding model directory '{resolved}' (from {source}) lacks {string.Join(", ", missing)}, and downloading is off " +
                    $"({nameof(LocalEmbeddingOptions)}.{nameof(LocalEmbeddingOptions.AutoDownload)} or {LocalEmbeddingOptions.AutoDownloadEnvironmentVariable}). " +
                    $"Turn it on, fetch the model with `tools/fetch-embedding-model.sh \"{resolved}\"` (needs npm), or point " +
                    $"{nameof(LocalEmbeddingOptions)}.{nameof(LocalEmbeddingOptions.ModelDirectory)} / {LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable} at the folder holding the model.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
