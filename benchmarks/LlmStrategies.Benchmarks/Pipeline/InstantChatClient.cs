using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Benchmarks.Pipeline;

/// <summary>A model that answers instantly with a fixed response, so only the pipeline's own cost is measured.</summary>
internal sealed class InstantChatClient : IChatClient
{
    private static readonly Task<ChatResponse> Response = Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "The warranty lasts two years. [1]"))
    {
        Usage = new UsageDetails { InputTokenCount = 120, OutputTokenCount = 9, TotalTokenCount = 129 },
    });

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) => Response;

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await Response).ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
