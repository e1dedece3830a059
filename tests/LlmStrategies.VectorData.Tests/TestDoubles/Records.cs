using Microsoft.Extensions.VectorData;

namespace LlmStrategies.VectorData.Tests.TestDoubles;

/// <summary>A point with a 16-d vector and a few filterable fields, for geometry tests against brute force.</summary>
public sealed class Point
{
    [VectorStoreKey]
    public int Id { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public string? Color { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public long Size { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public bool Active { get; set; }

    [VectorStoreData]
    public string? Note { get; set; }

    [VectorStoreVector(16)]
    public ReadOnlyMemory<float> Vector { get; set; }
}

/// <summary>A text chunk with a 4-d vector given by the test and a BM25-indexed text, for hybrid ranking tests.</summary>
public sealed class Doc
{
    [VectorStoreKey]
    public string Id { get; set; } = string.Empty;

    [VectorStoreData(IsFullTextIndexed = true)]
    public string Text { get; set; } = string.Empty;

    [VectorStoreData(IsIndexed = true)]
    public string Lang { get; set; } = "en";

    [VectorStoreVector(4)]
    public float[]? Vector { get; set; }
}

/// <summary>A paragraph embedded by the collection's generator from its text (string vector property), as Semantic Kernel users write them.</summary>
public sealed class Paragraph
{
    [VectorStoreKey]
    public string Id { get; set; } = string.Empty;

    [VectorStoreData]
    public string SourceId { get; set; } = string.Empty;

    [VectorStoreData(IsFullTextIndexed = true)]
    public string Text { get; set; } = string.Empty;

    [VectorStoreData]
    public int Start { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public string Product { get; set; } = string.Empty;

    [VectorStoreData(IsIndexed = true)]
    public int Year { get; set; }

    [VectorStoreVector(512)]
    public string Embedding => Text;

    public TextChunk ToChunk() => new()
    {
        Id = Id,
        SourceId = SourceId,
        Text = Text,
        StartOffset = Start,
        Length = Text.Length,
        Metadata = new Dictionary<string, string> { ["product"] = Product, ["year"] = Year.ToString(System.Globalization.CultureInfo.InvariantCulture) },
    };
}

/// <summary>A paragraph whose vector the caller supplies (embedded outside the store).</summary>
public sealed class EmbeddedParagraph
{
    [VectorStoreKey]
    public Guid Id { get; set; }

    [VectorStoreData(IsFullTextIndexed = true)]
    public string Text { get; set; } = string.Empty;

    [VectorStoreVector(512)]
    public Microsoft.Extensions.AI.Embedding<float>? Vector { get; set; }
}
