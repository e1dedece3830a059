using Microsoft.Extensions.AI;

namespace LlmStrategies.Baseline;

/// <summary>Tells components that need a real language model (paraphrasing, HyDE, listwise reranking) that they have the offline baseline instead.</summary>
internal static class OfflineBaseline
{
    /// <summary>True when <paramref name="client"/> is, or wraps, <see cref="ExtractiveBaselineChatClient"/>.</summary>
    public static bool Is(IChatClient client) => client.GetService<ExtractiveBaselineChatClient>() is not null;
}
