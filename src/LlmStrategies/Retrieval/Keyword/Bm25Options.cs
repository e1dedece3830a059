using LlmStrategies.Retrieval.Analysis;
using Microsoft.Extensions.Options;

namespace LlmStrategies.Retrieval.Keyword;

/// <summary>Settings of a <see cref="Bm25Index"/>. Validated by a source-generated validator when the index is created.</summary>
public sealed class Bm25Options
{
    /// <summary>Gets or sets k1, the term-frequency saturation (higher: repeated terms count longer). Default 0.9 (the Anserini/Pyserini default).</summary>
    [ValueRange(0.0, double.MaxValue, ErrorMessage = "Bm25Options.K1 must be a finite number ≥ 0 (typical values 0.9 to 2).")]
    public double K1 { get; set; } = 0.9;

    /// <summary>Gets or sets b, the length normalisation (0: none, 1: full). Default 0.4 (the Anserini/Pyserini default).</summary>
    [ValueRange(0.0, 1.0, ErrorMessage = "Bm25Options.B must be between 0 and 1 (typical values 0.4 to 0.75).")]
    public double B { get; set; } = 0.4;

    /// <summary>Gets or sets the text analysis; <see langword="null"/> for the English defaults.</summary>
    [ValidateObjectMembers]
    public TextAnalyzerOptions? Analyzer { get; set; }

    /// <summary>Gets or sets the longest query accepted, in characters. Default 8,192.</summary>
    [ValueRange(1, int.MaxValue, ErrorMessage = "Bm25Options.MaxQueryLength must be at least 1 character.")]
    public int MaxQueryLength { get; set; } = 8_192;
}
