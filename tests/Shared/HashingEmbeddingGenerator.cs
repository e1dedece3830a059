using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Testing;

/// <summary>A deterministic bag-of-words embedding (each lowercase word adds a fixed pseudo-random vector), for tests that need controllable geometry.</summary>
internal sealed class HashingEmbeddingGenerator(int dimension = 64) : IEmbeddingGenerator<string, Embedding<float>>
{
    public int Calls { get; private set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Embed(v)))));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("test", null, $"hashing-{dimension}", dimension) : null;

    public void Dispose()
    {
    }

    private float[] Embed(string text)
    {
        var vector = new float[dimension];
        foreach (var word in text.ToLowerInvariant().Split([' ', '?', '.', ',', '!'], StringSplitOptions.RemoveEmptyEntries))
        {
            var seed = BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(word)));
            var random = new Random(seed);
            for (var i = 0; i < dimension; i++)
            {
                vector[i] += (float)((random.NextDouble() * 2) - 1);
            }
        }

        return vector.Any(x => x != 0) ? vector : [.. Enumerable.Repeat(1f, dimension)];
    }
}
