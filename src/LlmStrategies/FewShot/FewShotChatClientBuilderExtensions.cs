using Microsoft.Extensions.AI;
using LlmStrategies;
using Microsoft.Extensions.DependencyInjection;

namespace LlmStrategies.FewShot;

/// <summary>Adds <see cref="FewShotChatClient"/> to a chat-client pipeline.</summary>
public static class FewShotChatClientBuilderExtensions
{
    /// <summary>Inserts worked examples chosen for each request before the last user message.</summary>
    /// <param name="builder">The chat-client builder.</param>
    /// <param name="selector">Chooses the examples; <see langword="null"/> resolves <see cref="IFewShotSelector"/> from the builder's services.</param>
    /// <param name="configure">Adjusts the settings.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseFewShot(this ChatClientBuilder builder, IFewShotSelector? selector = null, Action<FewShotChatClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new FewShotChatClientOptions();
        configure?.Invoke(options);
        return builder.Use((inner, services) => new FewShotChatClient(inner, selector ?? services.GetRequiredService<IFewShotSelector>(), options));
    }
}
