namespace LlmStrategies.Retrieval.Hybrid;

/// <summary>A retriever taking part in a <see cref="HybridRetriever"/>, with its weight in the fusion.</summary>
public sealed class WeightedRetriever
{
    /// <summary>Creates an entry.</summary>
    /// <param name="retriever">The retriever.</param>
    /// <param name="weight">Its weight; positive and finite. Default 1.</param>
    /// <param name="name">Its name in fingerprints; default its type name.</param>
    public WeightedRetriever(IRetriever retriever, double weight = 1, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        if (!double.IsFinite(weight) || weight <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "A fusion weight must be positive and finite; remove a retriever instead of giving it weight 0.");
        }

        Retriever = retriever;
        Weight = weight;
        Name = name ?? retriever.GetType().Name;
    }

    /// <summary>Gets the retriever.</summary>
    public IRetriever Retriever { get; }

    /// <summary>Gets its weight.</summary>
    public double Weight { get; }

    /// <summary>Gets its name.</summary>
    public string Name { get; }
}
