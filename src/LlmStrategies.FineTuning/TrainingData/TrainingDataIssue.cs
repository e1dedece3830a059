namespace LlmStrategies.FineTuning.TrainingData;

/// <summary>A problem found in a chat-format JSONL training file, located by line and field, with how to fix it.</summary>
/// <param name="Line">The 1-based line number, or 0 for a problem with the file as a whole (for example too few examples).</param>
/// <param name="Field">The JSON path of the offending field within the line (for example <c>messages[2].content</c>), or a short description.</param>
/// <param name="Problem">What is wrong.</param>
/// <param name="Fix">How to fix it.</param>
/// <param name="Severity">Whether the file is unusable (error) or just suspicious (warning).</param>
public sealed record TrainingDataIssue(int Line, string Field, string Problem, string Fix, TrainingDataIssueSeverity Severity)
{
    /// <summary>Formats the issue as "JSONL line N: field: problem Fix: fix".</summary>
    /// <returns>The text.</returns>
    public override string ToString() =>
        $"{(Severity == TrainingDataIssueSeverity.Warning ? "warning: " : string.Empty)}{(Line > 0 ? $"JSONL line {Line}" : "JSONL file")}: {Field}: {Problem} Fix: {Fix}";
}
