using System.ComponentModel.DataAnnotations;

namespace LlmStrategies.Retrieval.Analysis;

/// <summary>Settings of <see cref="EnglishTextAnalyzer"/>. Validated by a source-generated validator when an analyzer is created.</summary>
public sealed class TextAnalyzerOptions : IValidatableObject
{
    /// <summary>Gets or sets the stop words (lowercase); <see langword="null"/> (default) uses <see cref="EnglishTextAnalyzer.DefaultStopWords"/>, empty disables stop-word removal.</summary>
    public IReadOnlyCollection<string>? StopWords { get; set; }

    /// <summary>Gets or sets a value indicating whether terms are Porter-stemmed. Default <see langword="true"/>.</summary>
    public bool Stem { get; set; } = true;

    /// <summary>Gets or sets the longest token kept, in characters; longer tokens (hashes, base64...) are dropped. Default 255.</summary>
    [ValueRange(1, 65_536, ErrorMessage = "TextAnalyzerOptions.MaxTokenLength must be between 1 and 65,536 characters.")]
    public int MaxTokenLength { get; set; } = 255;

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (StopWords is not null && StopWords.Any(string.IsNullOrEmpty))
        {
            yield return new ValidationResult("TextAnalyzerOptions.StopWords contains a null or empty word; list words only (an empty list disables stop-word removal).", [nameof(StopWords)]);
        }
    }
}
