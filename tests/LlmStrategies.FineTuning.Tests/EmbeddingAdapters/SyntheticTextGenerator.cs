using Microsoft.Extensions.AI;

namespace LlmStrategies.Tests.FineTuning.EmbeddingAdapters;

/// <summary>
/// Serves <see cref="SyntheticRetrieval"/> vectors by name, as an embedding model would serve texts: "p{i}" and "q{i}"
/// from the first set, "held-p{i}" and "held-q{i}" from the second. Can be told to fail.
/// </summary>
internal sealed class SyntheticTextGenerator(SyntheticRetrieval data, SyntheticRetrieval? held = null, string? modelId = "synthetic-model") : IEmbeddingGenerator<string, Embedding<float>>
{
    public Exception? Failure { get; set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Failure is { } failure
            ? Task.FromException<GeneratedEmbeddings<Embedding<float>>>(failure)
            : Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Lookup(v)) { ModelId = modelId })));

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? new EmbeddingGeneratorMetadata("synthetic", null, modelId, SyntheticRetrieval.Dimensions) : null;

    public void Dispose()
    {
    }

    private float[] Lookup(string name)
    {
        var (set, rest) = name.StartsWith("held-", StringComparison.Ordinal) ? (held!, name[5..]) : (data, name);
        var index = int.Parse(rest[1..], System.Globalization.CultureInfo.InvariantCulture);
        var rows = rest[0] == 'p' ? set.Passages : set.Queries;
        return rows.AsSpan(index * SyntheticRetrieval.Dimensions, SyntheticRetrieval.Dimensions).ToArray();
    }
}
