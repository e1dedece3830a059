using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace LlmStrategies.VectorData;

public sealed partial class InMemoryHybridCollection<TKey, TRecord>
{
    /// <inheritdoc/>
    public override Task UpsertAsync(TRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        return UpsertAsync([record], cancellationToken);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A record has a vector whose length is not its property's dimensions, a
    /// non-finite value, or (for cosine) only zeros.</exception>
    /// <exception cref="InvalidOperationException">An embedding generator returned vectors of another dimension than the property's.</exception>
    public override async Task UpsertAsync(IEnumerable<TRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var batch = records.ToArray();
        if (Array.IndexOf(batch, null) >= 0)
        {
            throw new ArgumentException("The batch contains a null record.", nameof(records));
        }

        var storage = Storage("Upsert");
        if (batch.Length == 0)
        {
            return;
        }

        // Embeddings first (one generator call per property for the whole batch), so that a failure stores nothing.
        var vectorProperties = _model.VectorProperties;
        var generated = new IReadOnlyList<Embedding>?[vectorProperties.Count];
        for (var p = 0; p < vectorProperties.Count; p++)
        {
            var property = vectorProperties[p];
            if (HybridModelBuilder.IsNativeVectorType(property.Type))
            {
                continue;
            }

            generated[p] = await property.GenerateEmbeddingsAsync(batch.Select(property.GetValueAsObject), cancellationToken).ConfigureAwait(false);
            if (generated[p]!.Count != batch.Length)
            {
                throw new InvalidOperationException($"The embedding generator of vector property '{property.ModelName}' returned {generated[p]!.Count} embeddings for {batch.Length} records.");
            }
        }

        var rows = new (TKey Key, object?[] Data, float[]?[] Vectors, IReadOnlyDictionary<string, string> Metadata)[batch.Length];
        var fullTexts = new string?[batch.Length][];
        for (var i = 0; i < batch.Length; i++)
        {
            var record = batch[i];
            var key = KeyOf(record);
            var vectors = new float[]?[vectorProperties.Count];
            for (var p = 0; p < vectorProperties.Count; p++)
            {
                vectors[p] = generated[p] is { } embeddings
                    ? CheckedCopy(((Embedding<float>)embeddings[i]).Vector, vectorProperties[p], key, fromGenerator: true)
                    : VectorOf(record, vectorProperties[p], key);
            }

            var data = _model.DataProperties.Select(d => d.GetValueAsObject(record)).ToArray();
            rows[i] = (key, data, vectors, MetadataOf(data));
            fullTexts[i] = _fullTextProperties.Select(f => (string?)f.GetValueAsObject(record)).ToArray();
        }

        storage.Upsert(rows, fullTexts);
    }

    private static float[] CheckedCopy(ReadOnlyMemory<float> vector, VectorPropertyModel property, TKey key, bool fromGenerator)
    {
        if (vector.Length != property.Dimensions)
        {
            throw fromGenerator
                ? new InvalidOperationException($"The embedding generator of vector property '{property.ModelName}' returned {vector.Length}-dimensional vectors, but the property is declared with {property.Dimensions} dimensions. Declare the model's dimension ([VectorStoreVector({vector.Length})]) or use the model the collection was created for.")
                : new ArgumentException($"Record '{key}' has a {vector.Length}-dimensional vector in property '{property.ModelName}', which is declared with {property.Dimensions} dimensions. Use the embedding model the collection was created for, or declare the property with {vector.Length} dimensions in a new collection.");
        }

        var copy = vector.ToArray();
        foreach (var value in copy)
        {
            if (!float.IsFinite(value))
            {
                throw new ArgumentException($"Record '{key}' has a NaN or infinite value in vector property '{property.ModelName}'.");
            }
        }

        if (VectorScoring.For(property).Metric == VectorSearch.VectorMetric.Cosine && Array.TrueForAll(copy, v => v == 0))
        {
            throw new ArgumentException($"Record '{key}' has an all-zero vector in property '{property.ModelName}', which has no direction for cosine similarity. Store a real embedding, or leave the property null.");
        }

        return copy;
    }

    private static float[]? VectorOf(TRecord record, VectorPropertyModel property, TKey key) => property.GetValueAsObject(record) switch
    {
        null => null,
        ReadOnlyMemory<float> memory => CheckedCopy(memory, property, key, fromGenerator: false),
        float[] array => CheckedCopy(array, property, key, fromGenerator: false),
        Embedding<float> embedding => CheckedCopy(embedding.Vector, property, key, fromGenerator: false),
        var other => throw new InvalidOperationException($"Vector property '{property.ModelName}' holds a {other.GetType().Name}; expected one of {HybridModelBuilder.SupportedVectorTypes}."),
    };

    private TKey KeyOf(TRecord record)
    {
        var keyProperty = _model.KeyProperty;
        var key = keyProperty.GetValueAsObject(record);
        if (keyProperty.IsAutoGenerated && key is Guid guid && guid == Guid.Empty)
        {
            // As in the other connectors: an empty Guid key asks the store to generate one, written back to the record.
            var generated = Guid.NewGuid();
            keyProperty.SetValueAsObject(record, generated);
            key = generated;
        }

        return key is TKey typed
            ? typed
            : throw new ArgumentException($"A record's key property '{keyProperty.ModelName}' is {(key is null ? "null" : $"a {key.GetType().Name}")}; every record needs a key of type {typeof(TKey).Name}.");
    }

    private Dictionary<string, string> MetadataOf(object?[] data)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < data.Length; i++)
        {
            if (_model.DataProperties[i] is { IsIndexed: true } indexed)
            {
                metadata[indexed.ModelName] = IndexedValues.Encode(data[i], indexed.Type);
            }
        }

        return metadata;
    }
}
