using Microsoft.Extensions.Options;

namespace LlmStrategies.FineTuning.OpenAI;

/// <summary>Checks <see cref="OpenAIFineTunerOptions"/>, naming the wrong setting and its fix.</summary>
internal sealed class OpenAIFineTunerOptionsValidator : IValidateOptions<OpenAIFineTunerOptions>
{
    public ValidateOptionsResult Validate(string? name, OpenAIFineTunerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"FineTuning:Endpoint '{endpoint}' must be an absolute http or https address including the version path, for example https://api.openai.com/v1.");
        }

        if (options.ResolveApiKey() is null)
        {
            failures.Add($"FineTuning:ApiKey is not set and the environment variable {options.ApiKeyEnvironmentVariable} is empty; set one of them (servers without authentication accept any non-empty value).");
        }

        if (options.PollInterval <= TimeSpan.Zero || options.MaxPollInterval < options.PollInterval)
        {
            failures.Add($"FineTuning:PollInterval ({options.PollInterval}) must be positive and not above FineTuning:MaxPollInterval ({options.MaxPollInterval}).");
        }

        if (!(options.PollBackoffFactor >= 1) || double.IsInfinity(options.PollBackoffFactor))
        {
            failures.Add($"FineTuning:PollBackoffFactor must be a finite number ≥ 1; it is {options.PollBackoffFactor}.");
        }

        if (options.MaxRetryAttempts < 0)
        {
            failures.Add($"FineTuning:MaxRetryAttempts must not be negative; it is {options.MaxRetryAttempts}.");
        }

        if (options.RetryDelay <= TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay)
        {
            failures.Add($"FineTuning:RetryDelay ({options.RetryDelay}) must be positive and not above FineTuning:MaxRetryDelay ({options.MaxRetryDelay}).");
        }

        if (options.NetworkTimeout <= TimeSpan.Zero)
        {
            failures.Add($"FineTuning:NetworkTimeout must be positive; it is {options.NetworkTimeout}.");
        }

        if (options.EventPageSize is < 1 or > 1000)
        {
            failures.Add($"FineTuning:EventPageSize must be between 1 and 1000; it is {options.EventPageSize}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
