using LlmStrategies.Retrieval.Analysis;

namespace LlmStrategies.Retrieval.Keyword;

/// <summary>Settings of a <see cref="Bm25Index"/>.</summary>
public sealed class Bm25Options
{
    /// <summary>Gets or sets k1, the term-frequency saturation (higher: repeated terms count longer). Default 0.9 (the Anserini/Pyserini default).</summary>
    public double K1 { get; set; } = 0.9;

    /// <summary>Gets or sets b, the length normalisation (0: none, 1: full). Default 0.4 (the Anserini/Pyserini default).</summary>
    public double B { get; set; } = 0.4;

    /// <summary>Gets or sets the text analysis; <see langword="null"/> for the English defaults.</summary>
    public TextAnalyzerOptions? Analyzer { get; set; }

    /// <summary>Gets or sets the longest query accepted, in characters. Default 8,192.</summary>
    public int MaxQueryLength { get; set; } = 8_192;
}
