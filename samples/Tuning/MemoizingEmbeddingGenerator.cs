using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace TuningSample;

/// <summary>Embeds each distinct text once: a search scores hundreds of configurations on the same questions.</summary>
internal sealed class MemoizingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner) : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    private readonly ConcurrentDictionary<string, Embedding<float>> _embeddings = new(StringComparer.Ordinal);

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values as IReadOnlyList<string> ?? values.ToList();
        var missing = texts.Where(t => !_embeddings.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToArray();
        if (missing.Length > 0)
        {
            var generated = await base.GenerateAsync(missing, options, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < missing.Length; i++)
            {
                _embeddings[missing[i]] = generated[i];
            }
        }

        return new GeneratedEmbeddings<Embedding<float>>(texts.Select(t => _embeddings[t]));
    }
}
