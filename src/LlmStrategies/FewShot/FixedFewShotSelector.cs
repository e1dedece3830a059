namespace LlmStrategies.FewShot;

/// <summary>
/// Always selects the first examples of a fixed list, in list order, skipping any whose input equals the request's
/// input (ordinal, ignoring case and surrounding white space). Fixed examples keep the prompt prefix stable, which
/// providers can cache.
/// </summary>
public sealed class FixedFewShotSelector : IFewShotSelector, IFingerprintable
{
    private readonly FewShotExample[] _examples;

    /// <summary>Creates the selector.</summary>
    /// <param name="examples">The examples, in the order they should appear.</param>
    public FixedFewShotSelector(IEnumerable<FewShotExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        _examples = examples.ToArray();
        if (Array.IndexOf(_examples, null) >= 0)
        {
            throw new ArgumentException("The example list contains null; remove it.", nameof(examples));
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<FewShotExample>> SelectAsync(FewShotRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var input = request.Input.Trim();
        IReadOnlyList<FewShotExample> selected = _examples
            .Where(e => !string.Equals(e.Input.Trim(), input, StringComparison.OrdinalIgnoreCase))
            .Where(e => request.Filter is null || request.Filter.Matches(e.Metadata))
            .Take(request.Count)
            .ToArray();
        return ValueTask.FromResult(selected);
    }

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("count", _examples.Length);
        foreach (var example in _examples)
        {
            builder.Add("example", string.Concat(example.Id, "\u001f", example.Input, "\u001f", example.Output));
        }
    }
}
