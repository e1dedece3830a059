using Microsoft.Extensions.AI;

namespace LlmStrategies.Benchmarks.Postgres;

/// <summary>
/// Embeddings computed once with the local model and served from memory, so that both sides of every comparison
/// (database and in-process) search with identical vectors and no timing includes the model. Unknown texts fail.
/// </summary>
internal sealed class PrecomputedEmbeddings(Dictionary<string, float[]> vectors, string modelId) : IEmbeddingGenerator<string, Embedding<float>>
{
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(vectors.TryGetValue(v, out var vector) ? vector : throw new KeyNotFoundException($"No precomputed embedding for '{v}'.")))));

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("precomputed", null, modelId) : null;

    public void Dispose()
    {
    }

    /// <summary>Embeds every distinct text once with <paramref name="model"/>, caching the vectors in <paramref name="cacheFile"/>.</summary>
    public static async Task<PrecomputedEmbeddings> LoadOrComputeAsync(IEmbeddingGenerator<string, Embedding<float>> model, IReadOnlyList<string> texts, string cacheFile, string modelId)
    {
        var distinct = texts.Distinct(StringComparer.Ordinal).ToArray();
        var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        if (File.Exists(cacheFile))
        {
            using var reader = new BinaryReader(File.OpenRead(cacheFile));
            var count = reader.ReadInt32();
            for (var i = 0; i < count; i++)
            {
                var text = reader.ReadString();
                var vector = new float[reader.ReadInt32()];
                for (var d = 0; d < vector.Length; d++)
                {
                    vector[d] = reader.ReadSingle();
                }

                vectors[text] = vector;
            }
        }

        var missing = distinct.Where(t => !vectors.ContainsKey(t)).ToArray();
        foreach (var batch in missing.Chunk(64))
        {
            var embedded = await model.GenerateAsync(batch);
            for (var i = 0; i < batch.Length; i++)
            {
                vectors[batch[i]] = embedded[i].Vector.ToArray();
            }
        }

        if (missing.Length > 0)
        {
            var temporary = cacheFile + ".tmp";
            using (var writer = new BinaryWriter(File.Create(temporary)))
            {
                writer.Write(vectors.Count);
                foreach (var (text, vector) in vectors)
                {
                    writer.Write(text);
                    writer.Write(vector.Length);
                    foreach (var value in vector)
                    {
                        writer.Write(value);
                    }
                }
            }

            File.Move(temporary, cacheFile, overwrite: true);
        }

        return new PrecomputedEmbeddings(vectors, modelId);
    }
}
