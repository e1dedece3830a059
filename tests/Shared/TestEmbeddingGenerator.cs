using Microsoft.Extensions.AI;

namespace LlmStrategies.Tests.TestDoubles;

/// <summary>An embedding generator that looks texts up in a table (unknown texts fail the test), counting calls.</summary>
internal sealed class TestEmbeddingGenerator(Dictionary<string, float[]> table) : IEmbeddingGenerator<string, Embedding<float>>
{
    public int Calls { get; private set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls++;
        var embeddings = values.Select(v => table.TryGetValue(v, out var vector)
            ? new Embedding<float>(vector)
            : throw new AssertionException($"no test embedding for '{v}'"));
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(embeddings));
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("test", null, "test-embeddings", 3) : null;

    public void Dispose()
    {
    }
}
