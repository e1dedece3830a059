using Microsoft.Extensions.AI;
using LlmStrategies;
using Microsoft.Extensions.DependencyInjection;

namespace LlmStrategies.Retrieval;

/// <summary>Adds <see cref="RetrievalAugmentedChatClient"/> to a chat-client pipeline.</summary>
public static class RetrievalAugmentationChatClientBuilderExtensions
{
    /// <summary>Retrieves context for each request and puts it, with citation markers, before the last user message.</summary>
    /// <param name="builder">The chat-client builder.</param>
    /// <param name="retriever">Finds the chunks; <see langword="null"/> resolves <see cref="IRetriever"/> from the builder's services.</param>
    /// <param name="configure">Adjusts the settings.</param>
    /// <returns>The builder.</returns>
    public static ChatClientBuilder UseRetrievalAugmentation(this ChatClientBuilder builder, IRetriever? retriever = null, Action<RetrievalAugmentationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new RetrievalAugmentationOptions();
        configure?.Invoke(options);
        return builder.Use((inner, services) => new RetrievalAugmentedChatClient(inner, retriever ?? services.GetRequiredService<IRetriever>(), options));
    }
}
