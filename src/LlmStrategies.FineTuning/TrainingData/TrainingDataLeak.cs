namespace LlmStrategies.FineTuning.TrainingData;

/// <summary>A training example whose input is the same as, or nearly the same as, a test input.</summary>
/// <param name="ExampleId">The training example's id (or "#index" when it has none).</param>
/// <param name="ExampleIndex">The training example's 0-based position in the sequence given to the exporter.</param>
/// <param name="TestIndex">The 0-based position of the matching test input.</param>
/// <param name="TestInput">The matching test input.</param>
public sealed record TrainingDataLeak(string ExampleId, int ExampleIndex, int TestIndex, string TestInput)
{
    /// <inheritdoc/>
    public override string ToString() => $"training example '{ExampleId}' matches test input {TestIndex} (\"{Shorten(TestInput)}\")";

    private static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
}
