namespace LlmStrategies.Retrieval.Analysis;

/// <summary>Settings of <see cref="EnglishTextAnalyzer"/>.</summary>
public sealed class TextAnalyzerOptions
{
    /// <summary>Gets or sets the stop words (lowercase); <see langword="null"/> (default) uses <see cref="EnglishTextAnalyzer.DefaultStopWords"/>, empty disables stop-word removal.</summary>
    public IReadOnlyCollection<string>? StopWords { get; set; }

    /// <summary>Gets or sets a value indicating whether terms are Porter-stemmed. Default <see langword="true"/>.</summary>
    public bool Stem { get; set; } = true;

    /// <summary>Gets or sets the longest token kept, in characters; longer tokens (hashes, base64...) are dropped. Default 255.</summary>
    public int MaxTokenLength { get; set; } = 255;
}
