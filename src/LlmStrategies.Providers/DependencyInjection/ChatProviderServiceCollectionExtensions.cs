using LlmStrategies.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the configuration-selected chat provider.</summary>
public static class ChatProviderServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ChatProviderOptions"/> (validated when the host starts, with messages naming the missing
    /// setting) and the <see cref="IChatClient"/> they select, through Microsoft.Extensions.AI's <c>AddChatClient</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options, for example by binding a configuration section.</param>
    /// <returns>The chat-client builder, to add middleware such as <c>UseRetrievalAugmentation</c> or <c>UseOpenTelemetry</c>.</returns>
    public static ChatClientBuilder AddChatProvider(this IServiceCollection services, Action<ChatProviderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ChatProviderOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChatProviderOptions>, ChatProviderOptionsValidator>());
        return services.AddChatClient(provider => ChatProviderFactory.Create(provider.GetRequiredService<IOptions<ChatProviderOptions>>().Value));
    }
}
