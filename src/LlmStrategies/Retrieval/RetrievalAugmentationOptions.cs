using System.ComponentModel.DataAnnotations;

namespace LlmStrategies.Retrieval;

/// <summary>Settings of the retrieval-augmentation chat-client middleware.</summary>
public sealed class RetrievalAugmentationOptions
{
    /// <summary>Gets or sets how many chunks to put into the prompt at most. Default 5.</summary>
    [ValueRange(1, 1_000, ErrorMessage = "RetrievalAugmentationOptions.Top must be between 1 and 1,000 chunks.")]
    public int Top { get; set; } = 5;

    /// <summary>Gets or sets the metadata every chunk must match, or <see langword="null"/> (default).</summary>
    public MetadataFilter? Filter { get; set; }
}
