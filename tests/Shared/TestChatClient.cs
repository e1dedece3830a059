using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Tests.TestDoubles;

/// <summary>A chat client whose behaviour is a callback; records every call.</summary>
internal sealed class TestChatClient : IChatClient
{
    public Func<IList<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>> GetResponseAsyncCallback { get; set; } =
        (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));

    public ChatClientMetadata Metadata { get; set; } = new("test-provider", null, "test-model");

    public List<IList<ChatMessage>> Calls { get; } = [];

    public List<ChatOptions?> Options { get; } = [];

    public static TestChatClient Answering(params string[] answers)
    {
        var next = 0;
        return new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answers[Math.Min(next++, answers.Length - 1)]))
            {
                Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 2, TotalTokenCount = 12, CachedInputTokenCount = 4 },
                ModelId = "test-model-2025",
            }),
        };
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        lock (Calls)
        {
            Calls.Add(list);
            Options.Add(options);
        }

        return GetResponseAsyncCallback(list, options, cancellationToken);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? Metadata : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
