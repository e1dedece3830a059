namespace LlmStrategies.FineTuning.TrainingData;

/// <summary>The outcome of <see cref="TrainingDataValidator.Validate(string)"/>: issues by line and token statistics.</summary>
public sealed class TrainingDataReport
{
    /// <summary>Gets the file (or stream name) that was validated.</summary>
    public required string Path { get; init; }

    /// <summary>Gets the number of non-blank lines (examples, valid or not).</summary>
    public required int LineCount { get; init; }

    /// <summary>Gets the number of examples without errors.</summary>
    public required int ValidExampleCount { get; init; }

    /// <summary>
    /// Gets the tokens of the valid examples, counted the way OpenAI's cookbook estimates chat tokens: per message 3 +
    /// role + content tokens (+1 + name tokens when named), plus 3 per example. This is one epoch's training tokens.
    /// </summary>
    public required long TotalTokens { get; init; }

    /// <summary>Gets the tokens of the largest valid example (0 when none is valid).</summary>
    public required int MaxExampleTokens { get; init; }

    /// <summary>Gets the tokens of the smallest valid example (0 when none is valid).</summary>
    public required int MinExampleTokens { get; init; }

    /// <summary>Gets the name of the tokenizer the counts come from (for example "o200k_base").</summary>
    public required string TokenizerName { get; init; }

    /// <summary>Gets every issue, in line order; file-level issues (line 0) come last.</summary>
    public required IReadOnlyList<TrainingDataIssue> Issues { get; init; }

    /// <summary>Gets the mean tokens per valid example (0 when none is valid).</summary>
    public double MeanExampleTokens => ValidExampleCount == 0 ? 0 : (double)TotalTokens / ValidExampleCount;

    /// <summary>Gets the errors.</summary>
    public IEnumerable<TrainingDataIssue> Errors => Issues.Where(i => i.Severity == TrainingDataIssueSeverity.Error);

    /// <summary>Gets the warnings.</summary>
    public IEnumerable<TrainingDataIssue> Warnings => Issues.Where(i => i.Severity == TrainingDataIssueSeverity.Warning);

    /// <summary>Gets a value indicating whether the file has no errors (warnings allowed).</summary>
    public bool IsValid => !Errors.Any();

    /// <summary>Throws when the file has errors.</summary>
    /// <exception cref="TrainingDataValidationException">The file has at least one error; the message lists them by line.</exception>
    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            throw new TrainingDataValidationException(Path, Issues);
        }
    }
}
