using System.ComponentModel.DataAnnotations;
using LlmStrategies.FineTuning.TrainingData;

namespace LlmStrategies.FineTuning.OpenAI;

/// <summary>
/// Settings of <see cref="OpenAIFineTuner"/>, typically bound from configuration (section "FineTuning"). Any server
/// that implements OpenAI's fine-tuning endpoints (<c>/files</c>, <c>/fine_tuning/jobs</c>) works. Validated by a
/// source-generated validator (data annotations and the cross-field rules of <see cref="IValidatableObject"/>) in the
/// fine-tuner's constructor and on host start; messages name the setting by its configuration key.
/// </summary>
public sealed class OpenAIFineTunerOptions : IValidatableObject
{
    /// <summary>The endpoint used when <see cref="Endpoint"/> is not set: <c>https://api.openai.com/v1</c>.</summary>
    public static readonly Uri DefaultEndpoint = new("https://api.openai.com/v1");

    /// <summary>Gets or sets the base address including the version path, for example <c>https://api.openai.com/v1</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the API key. When unset, the environment variable named by <see cref="ApiKeyEnvironmentVariable"/> is read.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the environment variable read when <see cref="ApiKey"/> is unset. Default <c>OPENAI_API_KEY</c>.</summary>
    public string ApiKeyEnvironmentVariable { get; set; } = "OPENAI_API_KEY";

    /// <summary>Gets or sets the first wait between two status checks of a job. Default 10 seconds.</summary>
    [DurationRange(0.001, 86400.0, ErrorMessage = "FineTuning:PollInterval must be positive (at most one day), for example 00:00:10.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the longest wait between two status checks; waits grow by <see cref="PollBackoffFactor"/> while nothing changes. Default 2 minutes.</summary>
    [DurationRange(0.001, 86400.0, ErrorMessage = "FineTuning:MaxPollInterval must be positive (at most one day), for example 00:02:00.")]
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets the factor by which the wait between status checks grows while a job shows no progress. Default 1.5.</summary>
    [ValueRange(1.0, double.MaxValue, ErrorMessage = "FineTuning:PollBackoffFactor must be a finite number of at least 1 (1 polls at a constant interval).")]
    public double PollBackoffFactor { get; set; } = 1.5;

    /// <summary>Gets or sets how often a request is retried after a 408, 429 or 5xx answer or a network error. Default 5.</summary>
    [ValueRange(0, 100, ErrorMessage = "FineTuning:MaxRetryAttempts must be between 0 (send every request once) and 100.")]
    public int MaxRetryAttempts { get; set; } = 5;

    /// <summary>Gets or sets the first retry delay, doubled at each further retry, when the server sends no Retry-After. Default 1 second.</summary>
    [DurationRange(0.001, 86400.0, ErrorMessage = "FineTuning:RetryDelay must be positive (at most one day), for example 00:00:01.")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest retry delay; a longer Retry-After is shortened to it. Default 1 minute.</summary>
    [DurationRange(0.001, 86400.0, ErrorMessage = "FineTuning:MaxRetryDelay must be positive (at most one day), for example 00:01:00.")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the time one HTTP request may take (used when the fine-tuner creates its own HttpClient). Default 5 minutes.</summary>
    [DurationRange(0.001, 86400.0, ErrorMessage = "FineTuning:NetworkTimeout must be positive (at most one day), for example 00:05:00.")]
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets how many events one request for a job's events asks for. Default 100.</summary>
    [ValueRange(1, 1000, ErrorMessage = "FineTuning:EventPageSize must be between 1 and 1000 events.")]
    public int EventPageSize { get; set; } = 100;

    /// <summary>
    /// Gets or sets the rules the training (and validation) files are checked against before upload; a file with errors
    /// is not uploaded. Set to <see langword="null"/> to skip the check. Default: the validator's defaults.
    /// </summary>
    [Microsoft.Extensions.Options.ValidateObjectMembers]
    public TrainingDataValidationOptions? Validation { get; set; } = new();

    /// <summary>Gets the endpoint that will be used: <see cref="Endpoint"/> or <see cref="DefaultEndpoint"/>.</summary>
    /// <returns>The endpoint.</returns>
    public Uri ResolveEndpoint() => Endpoint ?? DefaultEndpoint;

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
        if (Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult($"FineTuning:Endpoint '{FineTuningApiClient.DisplayOf(endpoint)}' must be an absolute http or https address including the version path, for example https://api.openai.com/v1.", [nameof(Endpoint)]);
        }

        if (ResolveApiKey() is null)
        {
            yield return new ValidationResult($"FineTuning:ApiKey is not set and the environment variable {ApiKeyEnvironmentVariable} is empty; set one of them (servers without authentication accept any non-empty value).", [nameof(ApiKey)]);
        }

        if (MaxPollInterval < PollInterval)
        {
            yield return new ValidationResult($"FineTuning:PollInterval ({PollInterval}) must not be above FineTuning:MaxPollInterval ({MaxPollInterval}).", [nameof(PollInterval), nameof(MaxPollInterval)]);
        }

        if (MaxRetryDelay < RetryDelay)
        {
            yield return new ValidationResult($"FineTuning:RetryDelay ({RetryDelay}) must not be above FineTuning:MaxRetryDelay ({MaxRetryDelay}).", [nameof(RetryDelay), nameof(MaxRetryDelay)]);
        }
    }
}
