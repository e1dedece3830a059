using System.ComponentModel.DataAnnotations;

namespace LlmStrategies.Evaluation;

/// <summary>How <see cref="LeakageChecker"/> looks for test items that also appear in training material. Validated by a source-generated validator when the checker is created.</summary>
public sealed class LeakageOptions : IValidatableObject
{
    /// <summary>
    /// Gets or sets the Jaccard similarity of word shingles at or above which two texts are near-duplicates. Default 0.8.
    /// </summary>
    [ValueRange(0.0, 1.0, MinimumIsExclusive = true, ErrorMessage = "LeakageOptions.NearDuplicateThreshold must be a Jaccard similarity in (0, 1], for example 0.8.")]
    public double NearDuplicateThreshold { get; set; } = 0.8;

    /// <summary>Gets or sets the shingle length in words (texts shorter than this are one shingle). Default 3.</summary>
    [ValueRange(1, 100, ErrorMessage = "LeakageOptions.ShingleWords must be between 1 and 100 words.")]
    public int ShingleWords { get; set; } = 3;

    /// <summary>Gets or sets the number of MinHash functions (a multiple of <see cref="Bands"/>). Default 128.</summary>
    [ValueRange(1, 4_096, ErrorMessage = "LeakageOptions.HashFunctions must be between 1 and 4,096.")]
    public int HashFunctions { get; set; } = 128;

    /// <summary>Gets or sets the number of locality-sensitive-hashing bands the signature is cut into. Default 32 (4 rows each: a pair with Jaccard 0.8 is a candidate with probability above 0.9999).</summary>
    [ValueRange(1, 4_096, ErrorMessage = "LeakageOptions.Bands must be between 1 and 4,096.")]
    public int Bands { get; set; } = 32;

    /// <summary>Gets or sets the seed of the MinHash functions. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Gets or sets the cosine similarity at or above which two texts are semantic duplicates when an embedding generator is given. Default 0.95.</summary>
    [ValueRange(-1.0, 1.0, ErrorMessage = "LeakageOptions.EmbeddingThreshold must be a cosine similarity in [-1, 1], for example 0.95.")]
    public double EmbeddingThreshold { get; set; } = 0.95;

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (Bands > 0 && HashFunctions % Bands != 0)
        {
            yield return new ValidationResult($"LeakageOptions.HashFunctions ({HashFunctions}) must be a multiple of Bands ({Bands}): each band takes the same number of hash values.", [nameof(HashFunctions), nameof(Bands)]);
        }
    }
}
