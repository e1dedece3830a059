using System.Runtime.CompilerServices;
using LlmStrategies.Prompting;
using LlmStrategies.Text;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Baseline;

/// <summary>
/// A deterministic, offline <see cref="IChatClient"/> that is <b>not a language model</b>: it answers with the sentence of
/// the supplied context passages that best matches the question (IDF-weighted term overlap), followed by the passage's
/// citation marker, and says it cannot answer when the prompt carries no context or nothing matches.
/// </summary>
/// <remarks>
/// It exists so that samples, tests and experiments run with no network and no model weights, and as the floor every real
/// model must beat. It reads the context block that <see cref="SectionedPromptBuilder"/> and the retrieval middleware
/// render, ignores instructions and examples, and never generates text of its own. Token counts in its usage are a
/// word-and-punctuation estimate, not any provider's tokenizer. Thread-safe.
/// </remarks>
public sealed class ExtractiveBaselineChatClient : IChatClient
{
    /// <summary>The answer given when the prompt has no context or no sentence shares a term with the question.</summary>
    public const string NoAnswer = "I cannot answer that from the supplied context.";

    /// <summary>The model id reported in metadata and responses.</summary>
    public const string ModelIdentifier = "extractive-baseline-1";

    private static readonly ChatClientMetadata Metadata = new("llmstrategies-extractive-baseline", null, ModelIdentifier);

    /// <inheritdoc/>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();

        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var answer = Answer(list);
        var inputTokens = 0L;
        foreach (var message in list)
        {
            inputTokens += TextTerms.EstimateTokens(message.Text);
        }

        var outputTokens = TextTerms.EstimateTokens(answer);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answer))
        {
            ModelId = ModelIdentifier,
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails
            {
                InputTokenCount = inputTokens,
                OutputTokenCount = outputTokens,
                TotalTokenCount = inputTokens + outputTokens,
            },
        });
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        // Nothing to release: the client holds no resources.
    }

    private static string Answer(IReadOnlyList<ChatMessage> messages)
    {
        var lastUser = -1;
        var passages = new List<ContextPassage>();
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].Role == ChatRole.User)
            {
                lastUser = i;
            }

            if (messages[i].Role == ChatRole.User || messages[i].Role == ChatRole.System)
            {
                passages.AddRange(PromptText.ParseContext(messages[i].Text));
            }
        }

        if (lastUser < 0 || passages.Count == 0)
        {
            return NoAnswer;
        }

        var questionTerms = TextTerms.ContentTerms(PromptText.ExtractQuestion(messages[lastUser].Text)).Distinct(StringComparer.Ordinal).ToList();
        if (questionTerms.Count == 0)
        {
            return NoAnswer;
        }

        var sentences = new List<(string Text, int Marker, HashSet<string> Terms)>();
        foreach (var passage in passages)
        {
            foreach (var range in SentenceSplitter.Split(passage.Text))
            {
                var sentence = passage.Text[range];
                sentences.Add((sentence, passage.Marker, TextTerms.ContentTerms(sentence).ToHashSet(StringComparer.Ordinal)));
            }
        }

        // IDF over the supplied sentences: a term that every sentence has says nothing about which one answers.
        var n = sentences.Count;
        var idf = questionTerms.ToDictionary(
            term => term,
            term =>
            {
                var df = sentences.Count(x => x.Terms.Contains(term));
                return Math.Log(1.0 + ((n - df + 0.5) / (df + 0.5)));
            },
            StringComparer.Ordinal);
        var bestScore = 0.0;
        var best = -1;
        for (var s = 0; s < n; s++)
        {
            var score = 0.0;
            foreach (var term in questionTerms)
            {
                if (sentences[s].Terms.Contains(term))
                {
                    score += idf[term];
                }
            }

            // Strictly greater: ties go to the earlier sentence, i.e. the better-ranked passage.
            if (score > bestScore)
            {
                bestScore = score;
                best = s;
            }
        }

        return best < 0 ? NoAnswer : $"{sentences[best].Text} [{sentences[best].Marker}]";
    }
}
