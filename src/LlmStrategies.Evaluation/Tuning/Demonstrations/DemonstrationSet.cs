using LlmStrategies.Evaluation;

namespace LlmStrategies.Tuning;

/// <summary>
/// A fixed, ordered set of demonstrations (few-shot examples) attached to a <see cref="SearchPoint"/>; its
/// <see cref="Id"/> is a hash of the examples' ids, inputs and outputs, so a point's identity covers its demonstrations.
/// </summary>
public sealed class DemonstrationSet
{
    /// <summary>Creates a set.</summary>
    /// <param name="examples">The demonstrations, in prompt order; at least one, with unique ids.</param>
    /// <exception cref="ArgumentException">The set is empty, holds null, or repeats an id.</exception>
    public DemonstrationSet(IEnumerable<FewShotExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        Examples = examples.ToArray();
        if (Examples.Count == 0 || Examples.Any(e => e is null))
        {
            throw new ArgumentException("A demonstration set needs at least one example and no null entries.", nameof(examples));
        }

        var duplicate = Examples.GroupBy(e => e.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Demonstration '{duplicate.Key}' is in the set twice.", nameof(examples));
        }

        using var hash = new ContentHash();
        foreach (var example in Examples)
        {
            hash.Add(example.Id).Add(example.Input).Add(example.Output);
        }

        Id = "demos-" + hash.Finish()[..12];
    }

    /// <summary>Gets the set's content id ("demos-" and 12 hexadecimal characters).</summary>
    public string Id { get; }

    /// <summary>Gets the demonstrations, in prompt order.</summary>
    public IReadOnlyList<FewShotExample> Examples { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Id} ({Examples.Count} examples: {string.Join(", ", Examples.Select(e => e.Id))})";
}
