using System.ComponentModel.DataAnnotations;

namespace LlmStrategies.FewShot;

/// <summary>Settings of the few-shot chat-client middleware.</summary>
public sealed class FewShotChatClientOptions
{
    /// <summary>Gets or sets how many examples to insert at most. Default 3.</summary>
    [ValueRange(0, 100, ErrorMessage = "FewShotChatClientOptions.Count must be between 0 and 100 examples.")]
    public int Count { get; set; } = 3;

    /// <summary>Gets or sets the metadata every example must match, or <see langword="null"/> (default).</summary>
    public MetadataFilter? Filter { get; set; }
}
