using System.Diagnostics.CodeAnalysis;
using LlmStrategies.VectorSearch;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace LlmStrategies.VectorData;

/// <summary>
/// Reads the record model (attributes or a <see cref="VectorStoreCollectionDefinition"/>) with the ecosystem's
/// <see cref="CollectionModelBuilder"/>, so property names, storage names, key auto-generation and embedding generators
/// resolve exactly as in every other connector, and rejects at construction what this store cannot index.
/// </summary>
internal sealed class HybridModelBuilder() : CollectionModelBuilder(BuildingOptions)
{
    internal const string SupportedVectorTypes = "ReadOnlyMemory<float>, ReadOnlyMemory<float>?, float[], Embedding<float>";

    internal const string SupportedDistanceFunctions = "CosineSimilarity (the default), CosineDistance, DotProductSimilarity, NegativeDotProductSimilarity, EuclideanDistance, EuclideanSquaredDistance";

    internal const string SupportedIndexKinds = "Flat (the default: exact), QuantizedFlat (int8 with float32 re-scoring), Hnsw (approximate graph)";

    private static readonly CollectionModelBuildingOptions BuildingOptions = new()
    {
        RequiresAtLeastOneVector = true,
        SupportsMultipleVectors = true,
    };

    /// <summary>Builds the model of a POCO record type (reads its properties by reflection).</summary>
    [RequiresUnreferencedCode("Reads the record type's properties and attributes by reflection.")]
    [RequiresDynamicCode("Reads the record type's properties and attributes by reflection.")]
    public static CollectionModel BuildFor(Type recordType, Type keyType, VectorStoreCollectionDefinition? definition, IEmbeddingGenerator? embeddingGenerator)
    {
        if (recordType == typeof(Dictionary<string, object?>))
        {
            throw new NotSupportedException("Dictionary<string, object?> records are dynamic: get the collection with InMemoryHybridVectorStore.GetDynamicCollection(name, definition).");
        }

        return new HybridModelBuilder().Build(recordType, keyType, definition, embeddingGenerator);
    }

    /// <summary>Builds the model of a dynamic (Dictionary&lt;string, object?&gt;) record from its definition; trimming-safe.</summary>
    public static CollectionModel BuildDynamicFor(VectorStoreCollectionDefinition definition, IEmbeddingGenerator? embeddingGenerator) =>
        new HybridModelBuilder().BuildDynamic(definition, embeddingGenerator);

    internal static bool IsNativeVectorType(Type type) =>
        type == typeof(ReadOnlyMemory<float>)
        || type == typeof(ReadOnlyMemory<float>?)
        || type == typeof(float[])
        || type == typeof(Embedding<float>);

    protected override bool IsDataPropertyTypeValid(Type type, [NotNullWhen(false)] out string? supportedTypes)
    {
        // Any .NET type can be stored; only indexed and full-text properties are restricted (see ValidateProperty).
        supportedTypes = string.Empty;
        return true;
    }

    protected override bool IsVectorPropertyTypeValid(Type type, [NotNullWhen(false)] out string? supportedTypes)
    {
        supportedTypes = SupportedVectorTypes;
        return IsNativeVectorType(type);
    }

    protected override void ValidateProperty(PropertyModel propertyModel, VectorStoreCollectionDefinition? definition)
    {
        base.ValidateProperty(propertyModel, definition);
        switch (propertyModel)
        {
            case DataPropertyModel { IsIndexed: true } indexed when !IndexedValues.IsSupported(indexed.Type):
                throw new NotSupportedException($"Data property '{indexed.ModelName}' is marked IsIndexed but has type '{indexed.Type.Name}'. Indexed (filterable) properties must be one of: {IndexedValues.SupportedTypes}. Remove IsIndexed or change the type.");
            case DataPropertyModel { IsFullTextIndexed: true } fullText when fullText.Type != typeof(string):
                throw new NotSupportedException($"Data property '{fullText.ModelName}' is marked IsFullTextIndexed but has type '{fullText.Type.Name}'; full-text (BM25) indexing needs a string property.");
            case VectorPropertyModel vector:
                _ = VectorScoring.For(vector);
                _ = VectorScoring.IndexKindOf(vector);
                break;
        }
    }
}
