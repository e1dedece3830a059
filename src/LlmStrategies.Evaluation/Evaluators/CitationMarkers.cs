using System.Text.RegularExpressions;

namespace LlmStrategies.Evaluation;

/// <summary>
/// Removes citation markers such as " [2]" or " [1, 3]" from an answer before it is scored against gold answers: they
/// are how a RAG strategy cites its sources, not part of the answer, and left in they cost SQuAD F1 points (a marker is
/// a token of its own) and break exact matches.
/// </summary>
internal static partial class CitationMarkers
{
    /// <summary>The answer without its citation markers (and the spaces before them).</summary>
    public static string Strip(string answer) => Marker().Replace(answer, string.Empty);

    [GeneratedRegex(@"\s*\[\d+(?:\s*[,;–-]\s*\d+)*\]", RegexOptions.CultureInvariant)]
    private static partial Regex Marker();
}
