using LlmStrategies.VectorSearch;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace LlmStrategies.VectorData;

/// <summary>
/// Maps a vector property's <see cref="DistanceFunction"/> to the SIMD index metric and converts index scores (always
/// higher-is-better) back to the function's own scale, as other connectors report it: similarities descend, distances ascend.
/// </summary>
internal sealed class VectorScoring
{
    private readonly Func<float, double> _convert;

    private VectorScoring(VectorMetric metric, bool higherIsBetter, Func<float, double> convert)
    {
        Metric = metric;
        HigherIsBetter = higherIsBetter;
        _convert = convert;
    }

    public VectorMetric Metric { get; }

    /// <summary>Gets a value indicating whether the reported score is a similarity (higher is better) rather than a distance.</summary>
    public bool HigherIsBetter { get; }

    public static VectorScoring For(VectorPropertyModel property) => property.DistanceFunction switch
    {
        null or DistanceFunction.CosineSimilarity => new(VectorMetric.Cosine, true, s => s),
        DistanceFunction.CosineDistance => new(VectorMetric.Cosine, false, s => 1.0 - s),
        DistanceFunction.DotProductSimilarity => new(VectorMetric.DotProduct, true, s => s),
        DistanceFunction.NegativeDotProductSimilarity => new(VectorMetric.DotProduct, false, s => -(double)s),
        DistanceFunction.EuclideanDistance => new(VectorMetric.Euclidean, false, s => Math.Sqrt(Math.Max(0, -(double)s))),
        DistanceFunction.EuclideanSquaredDistance => new(VectorMetric.Euclidean, false, s => -(double)s),
        var other => throw new NotSupportedException($"Vector property '{property.ModelName}' uses distance function '{other}', which InMemoryHybridCollection does not support. Use one of: {HybridModelBuilder.SupportedDistanceFunctions}."),
    };

    public static string IndexKindOf(VectorPropertyModel property) => property.IndexKind switch
    {
        null or IndexKind.Flat => IndexKind.Flat,
        IndexKind.QuantizedFlat => IndexKind.QuantizedFlat,
        IndexKind.Hnsw => IndexKind.Hnsw,
        var other => throw new NotSupportedException($"Vector property '{property.ModelName}' asks for index kind '{other}', which InMemoryHybridCollection does not support. Use one of: {HybridModelBuilder.SupportedIndexKinds}."),
    };

    public double Convert(float indexScore) => _convert(indexScore);

    /// <summary>Whether a reported score passes a <c>ScoreThreshold</c>: at least the threshold for similarities, at most it for distances.</summary>
    public bool Passes(double score, double? threshold) => threshold is not { } limit || (HigherIsBetter ? score >= limit : score <= limit);
}
