using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LlmStrategies;

/// <summary>Reads what the strategy middleware attached to a chat response.</summary>
public static class StrategyResponseExtensions
{
    /// <summary>The additional-properties key under which retrieval augmentation stores the chunks it put into the prompt.</summary>
    public const string RetrievedSourcesKey = "llmstrategies.retrieved_sources";

    /// <summary>The additional-properties key under which the few-shot middleware stores the examples it inserted.</summary>
    public const string FewShotExamplesKey = "llmstrategies.few_shot_examples";

    /// <summary>Gets the chunks the retrieval middleware put into the prompt (the answer's citable sources).</summary>
    /// <param name="response">The response.</param>
    /// <returns>The chunks, in citation-marker order; empty when the middleware was not used or found nothing.</returns>
    public static IReadOnlyList<RetrievedChunk> GetRetrievedSources(this ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.AdditionalProperties?.TryGetValue(RetrievedSourcesKey, out IReadOnlyList<RetrievedChunk>? sources) == true && sources is not null ? sources : [];
    }

    /// <summary>Gets the examples the few-shot middleware inserted into the prompt.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The examples, in prompt order; empty when the middleware was not used.</returns>
    public static IReadOnlyList<FewShotExample> GetFewShotExamples(this ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.AdditionalProperties?.TryGetValue(FewShotExamplesKey, out IReadOnlyList<FewShotExample>? examples) == true && examples is not null ? examples : [];
    }

    internal static void SetRetrievedSources(AdditionalPropertiesDictionary properties, IReadOnlyList<RetrievedChunk> sources) =>
        properties[RetrievedSourcesKey] = sources;

    internal static void SetFewShotExamples(AdditionalPropertiesDictionary properties, IReadOnlyList<FewShotExample> examples) =>
        properties[FewShotExamplesKey] = examples;

    /// <summary>Passes streaming updates through, letting <paramref name="annotate"/> add properties to the first one.</summary>
    internal static async IAsyncEnumerable<ChatResponseUpdate> AnnotateFirst(
        IAsyncEnumerable<ChatResponseUpdate> updates,
        Action<AdditionalPropertiesDictionary> annotate,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var first = true;
        await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (first)
            {
                annotate(update.AdditionalProperties ??= []);
                first = false;
            }

            yield return update;
        }
    }
}
