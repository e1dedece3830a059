namespace LlmStrategies.Evaluation;

/// <summary>How <see cref="LeakageChecker"/> looks for test items that also appear in training material.</summary>
public sealed class LeakageOptions
{
    /// <summary>
    /// Gets or sets the Jaccard similarity of word shingles at or above which two texts are near-duplicates. Default 0.8.
    /// </summary>
    public double NearDuplicateThreshold { get; set; } = 0.8;

    /// <summary>Gets or sets the shingle length in words (texts shorter than this are one shingle). Default 3.</summary>
    public int ShingleWords { get; set; } = 3;

    /// <summary>Gets or sets the number of MinHash functions (a multiple of <see cref="Bands"/>). Default 128.</summary>
    public int HashFunctions { get; set; } = 128;

    /// <summary>Gets or sets the number of locality-sensitive-hashing bands the signature is cut into. Default 32 (4 rows each: a pair with Jaccard 0.8 is a candidate with probability above 0.9999).</summary>
    public int Bands { get; set; } = 32;

    /// <summary>Gets or sets the seed of the MinHash functions. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Gets or sets the cosine similarity at or above which two texts are semantic duplicates when an embedding generator is given. Default 0.95.</summary>
    public double EmbeddingThreshold { get; set; } = 0.95;
}
