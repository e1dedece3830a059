namespace LlmStrategies.Evaluation;

/// <summary>How a dataset was sampled from a larger one: what an experiment report states as its scope.</summary>
/// <param name="Items">The number of items in the sample.</param>
/// <param name="TotalItems">The number of items sampled from.</param>
/// <param name="Method">How they were drawn, for example "seeded (seed 42) random sampling stratified by 'article'".</param>
public sealed record DatasetSampling(int Items, int TotalItems, string Method)
{
    /// <summary>The scope in words: "400 of 2,123 items, sampled by seeded (seed 42) random sampling ...".</summary>
    /// <returns>The description.</returns>
    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Items:N0} of {TotalItems:N0} items, sampled by {Method}");
}
