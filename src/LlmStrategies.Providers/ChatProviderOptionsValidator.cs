using Microsoft.Extensions.Options;

namespace LlmStrategies.Providers;

/// <summary>Checks that the selected provider has the settings it needs, naming the missing setting and its fix.</summary>
internal sealed class ChatProviderOptionsValidator : IValidateOptions<ChatProviderOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Provider))
        {
            failures.Add($"ChatProvider:Provider '{options.Provider}' is not a provider; use Baseline, OpenAI or Ollama.");
        }

        if (options.Provider is ChatProviderKind.OpenAI or ChatProviderKind.Ollama)
        {
            if (string.IsNullOrWhiteSpace(options.Model))
            {
                failures.Add($"ChatProvider:Model is required when ChatProvider:Provider is {options.Provider}; set it to the model name the server serves (for example gpt-4o-mini or llama3.2).");
            }

            if (options.Endpoint is { } endpoint && (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
            {
                failures.Add($"ChatProvider:Endpoint '{endpoint}' must be an absolute http or https address, for example http://localhost:11434.");
            }
        }

        if (options.Provider == ChatProviderKind.OpenAI && options.ResolveApiKey() is null)
        {
            failures.Add($"ChatProvider:ApiKey is not set and the environment variable {options.ApiKeyEnvironmentVariable} is empty; set one of them (servers without authentication accept any non-empty value).");
        }

        if (options.ProviderMaxRetries < 0)
        {
            failures.Add($"ChatProvider:ProviderMaxRetries must be zero or more; it is {options.ProviderMaxRetries}.");
        }

        if (options.NetworkTimeout <= TimeSpan.Zero)
        {
            failures.Add($"ChatProvider:NetworkTimeout must be positive; it is {options.NetworkTimeout}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
