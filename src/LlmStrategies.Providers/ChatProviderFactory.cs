using System.ClientModel;
using System.ClientModel.Primitives;
using LlmStrategies.Baseline;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OllamaSharp;
using OpenAI;

namespace LlmStrategies.Providers;

/// <summary>Creates the <see cref="IChatClient"/> that <see cref="ChatProviderOptions"/> selects.</summary>
public static class ChatProviderFactory
{
    /// <summary>Validates <paramref name="options"/> and creates the client.</summary>
    /// <param name="options">The provider settings.</param>
    /// <param name="httpClient">The HTTP client to send requests with, or <see langword="null"/> to create one.</param>
    /// <returns>The chat client; dispose it when done.</returns>
    /// <exception cref="OptionsValidationException">A required setting is missing or invalid; the message names it.</exception>
    public static IChatClient Create(ChatProviderOptions options, HttpClient? httpClient = null)
    {
        ValidatedOptions.ThrowIfInvalid(new ChatProviderOptionsValidator(), options);

        var endpoint = options.ResolveEndpoint();
        switch (options.Provider)
        {
            case ChatProviderKind.OpenAI:
                var openAIOptions = new OpenAIClientOptions
                {
                    Endpoint = endpoint,
                    NetworkTimeout = options.NetworkTimeout,
                    RetryPolicy = new ClientRetryPolicy(options.ProviderMaxRetries),
                };
                if (httpClient is not null)
                {
                    openAIOptions.Transport = new HttpClientPipelineTransport(httpClient);
                }

                return new OpenAIClient(new ApiKeyCredential(options.ResolveApiKey()!), openAIOptions)
                    .GetChatClient(options.Model)
                    .AsIChatClient();

            case ChatProviderKind.Ollama:
                // OllamaSharp resolves paths relative to the HttpClient's base address.
#pragma warning disable CA2000 // The OllamaApiClient owns and disposes the HttpClient it is given.
                var client = httpClient ?? new HttpClient();
#pragma warning restore CA2000
                client.BaseAddress ??= endpoint;
                if (httpClient is null)
                {
                    client.Timeout = options.NetworkTimeout;
                }

                return new OllamaApiClient(client, options.Model!);

            default:
                return new ExtractiveBaselineChatClient();
        }
    }
}
