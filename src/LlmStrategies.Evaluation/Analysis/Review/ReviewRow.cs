namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// One row of a review file: what the reviewer needs to judge an item (input, gold, the strategy's answer, the retrieved
/// context) and the columns they fill in (verdict, correction, example, reviewer, note).
/// </summary>
/// <remarks>
/// Verdicts: empty (not reviewed), <c>ok</c> (the gold is right), <c>fix-gold</c> (the gold is wrong: <see cref="Correction"/>
/// holds the right answers), <c>exclude</c> (drop the item: ambiguous or broken). <see cref="Example"/> = yes approves
/// (input, correction or else the answer) as a few-shot example.
/// </remarks>
public sealed class ReviewRow
{
    /// <summary>Gets the item's id.</summary>
    public required string Item { get; init; }

    /// <summary>Gets the fingerprint of the dataset the row was exported from.</summary>
    public required string DatasetFingerprint { get; init; }

    /// <summary>Gets why the item was exported (the selection).</summary>
    public string Selection { get; init; } = string.Empty;

    /// <summary>Gets the strategy whose answer is shown.</summary>
    public string Strategy { get; init; } = string.Empty;

    /// <summary>Gets the input.</summary>
    public string Input { get; init; } = string.Empty;

    /// <summary>Gets the gold answers at export (an import checks they did not change since).</summary>
    public IReadOnlyList<string> Gold { get; init; } = [];

    /// <summary>Gets the strategy's answer, or <see langword="null"/> when not recorded.</summary>
    public string? Prediction { get; init; }

    /// <summary>Gets the strategy's score on the analysed metric, or <see langword="null"/>.</summary>
    public double? Score { get; init; }

    /// <summary>Gets the other strategies' answers ("strategy: answer" per line).</summary>
    public string OtherPredictions { get; init; } = string.Empty;

    /// <summary>Gets the retrieved context: each source id with its text.</summary>
    public string Context { get; init; } = string.Empty;

    /// <summary>Gets the verdict: empty, ok, fix-gold or exclude.</summary>
    public string Verdict { get; init; } = string.Empty;

    /// <summary>Gets the corrected gold answers (fix-gold), or the approved example output.</summary>
    public IReadOnlyList<string> Correction { get; init; } = [];

    /// <summary>Gets "yes" to approve the item as a few-shot example, "no" or empty otherwise.</summary>
    public string Example { get; init; } = string.Empty;

    /// <summary>Gets who reviewed the item.</summary>
    public string Reviewer { get; init; } = string.Empty;

    /// <summary>Gets why (required for fix-gold and exclude: it goes into the change log).</summary>
    public string Note { get; init; } = string.Empty;
}
