using System.ComponentModel.DataAnnotations;

namespace LlmStrategies.Providers;

/// <summary>
/// Selects and configures the chat model, typically bound from configuration (section "ChatProvider"), for example
/// <c>--ChatProvider:Provider=Ollama --ChatProvider:Model=llama3.2</c>. Validated by a source-generated validator in
/// <see cref="ChatProviderFactory.Create"/> and on host start; messages name the setting by its configuration key.
/// </summary>
public sealed class ChatProviderOptions : IValidatableObject
{
    /// <summary>The OpenAI endpoint used when <see cref="Endpoint"/> is not set.</summary>
    public static readonly Uri DefaultOpenAIEndpoint = new("https://api.openai.com/v1");

    /// <summary>The Ollama endpoint used when <see cref="Endpoint"/> is not set.</summary>
    public static readonly Uri DefaultOllamaEndpoint = new("http://localhost:11434");

    /// <summary>Gets or sets the provider. Default <see cref="ChatProviderKind.Baseline"/>.</summary>
    public ChatProviderKind Provider { get; set; } = ChatProviderKind.Baseline;

    /// <summary>
    /// Gets or sets the endpoint: for OpenAI-compatible servers the base address including the version path (for example
    /// <c>http://localhost:8000/v1</c>); for Ollama the server address. Default: the provider's public default.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the model (or deployment) name; required for OpenAI and Ollama.</summary>
    public string? Model { get; set; }

    /// <summary>
    /// Gets or sets the API key for OpenAI-compatible endpoints. When unset, the environment variable named by
    /// <see cref="ApiKeyEnvironmentVariable"/> is read. Servers without authentication accept any non-empty value.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the environment variable read when <see cref="ApiKey"/> is unset. Default <c>OPENAI_API_KEY</c>.</summary>
    public string ApiKeyEnvironmentVariable { get; set; } = "OPENAI_API_KEY";

    /// <summary>
    /// Gets or sets how many times the provider SDK itself retries a failed request. Default 0: retries belong to
    /// <c>UseResilience</c> (with <c>ProviderFailures.UseProviderFailures</c>), which also covers timeouts, circuit breaking
    /// and fallback; retrying in both layers would multiply the attempts.
    /// </summary>
    [ValueRange(0, 100, ErrorMessage = "ChatProvider:ProviderMaxRetries must be between 0 and 100.")]
    public int ProviderMaxRetries { get; set; }

    /// <summary>Gets or sets the time one HTTP request may take. Default 2 minutes.</summary>
    [DurationRange(0.001, 86400.0, ErrorMessage = "ChatProvider:NetworkTimeout must be positive (at most one day), for example 00:02:00.")]
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets the endpoint that will be used: <see cref="Endpoint"/> or the provider's default.</summary>
    /// <returns>The endpoint, or <see langword="null"/> for the baseline.</returns>
    public Uri? ResolveEndpoint() => Endpoint ?? Provider switch
    {
        ChatProviderKind.OpenAI => DefaultOpenAIEndpoint,
        ChatProviderKind.Ollama => DefaultOllamaEndpoint,
        _ => null,
    };

    /// <summary>Gets the API key that will be used: <see cref="ApiKey"/> or the environment variable.</summary>
    /// <returns>The key, or <see langword="null"/> when neither is set.</returns>
    public string? ResolveApiKey() =>
        !string.IsNullOrWhiteSpace(ApiKey) ? ApiKey
        : string.IsNullOrWhiteSpace(ApiKeyEnvironmentVariable) ? null
        : Environment.GetEnvironmentVariable(ApiKeyEnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : null;

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Provider))
        {
            yield return new ValidationResult($"ChatProvider:Provider '{Provider}' is not a provider; use Baseline, OpenAI or Ollama.", [nameof(Provider)]);
        }

        if (Provider is ChatProviderKind.OpenAI or ChatProviderKind.Ollama)
        {
            if (string.IsNullOrWhiteSpace(Model))
            {
                yield return new ValidationResult($"ChatProvider:Model is required when ChatProvider:Provider is {Provider}; set it to the model name the server serves (for example gpt-4o-mini or llama3.2).", [nameof(Model)]);
            }

            if (Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
            {
                yield return new ValidationResult($"ChatProvider:Endpoint '{SensitiveText.Redact(endpoint.OriginalString)}' must be an absolute http or https address, for example http://localhost:11434.", [nameof(Endpoint)]);
            }
        }

        if (Provider == ChatProviderKind.OpenAI && ResolveApiKey() is null)
        {
            yield return new ValidationResult($"ChatProvider:ApiKey is not set and the environment variable {ApiKeyEnvironmentVariable} is empty; set one of them (servers without authentication accept any non-empty value).", [nameof(ApiKey)]);
        }
    }
}
