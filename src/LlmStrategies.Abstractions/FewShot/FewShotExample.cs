namespace LlmStrategies;

/// <summary>A worked example: an input and the output the model should produce for it.</summary>
public sealed class FewShotExample
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>(0);

    /// <summary>Gets the example's identifier, unique within its store.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the example input, shown to the model as a user turn.</summary>
    public required string Input { get; init; }

    /// <summary>Gets the desired output, shown to the model as the assistant's answer.</summary>
    public required string Output { get; init; }

    /// <summary>Gets an optional class label (used by label-balanced selection and stratified splits).</summary>
    public string? Label { get; init; }

    /// <summary>Gets the example's tags (for example "corrected-in-production"); never <see langword="null"/>.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Gets the example's metadata (source, author, language...); never <see langword="null"/>.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = NoMetadata;

    /// <summary>Gets the score the selector gave the example (for example its similarity to the input), or <see langword="null"/>.</summary>
    public double? Score { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Id;
}
