using LlmStrategies.Text;

namespace LlmStrategies.FewShot;

/// <summary>
/// Keeps an example out of a prompt when its input is identical or nearly identical to the current input, so that a
/// few-shot strategy evaluated on a test split cannot be shown the answer. Inputs are compared after normalisation
/// (NFKC, lowercase, letters and digits only, single spaces); "near" means a Jaccard similarity of word sets or of
/// character trigram sets at or above the threshold.
/// </summary>
public sealed class LeakageGuard : IFingerprintable
{
    /// <summary>Creates a guard.</summary>
    /// <param name="threshold">The similarity in (0, 1] at or above which an example is treated as the same input. Default 0.9.</param>
    public LeakageGuard(double threshold = 0.9)
    {
        if (!(threshold is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The near-duplicate threshold must be in (0, 1]; 1 blocks exact duplicates only.");
        }

        Threshold = threshold;
    }

    /// <summary>Gets the similarity at or above which an example is blocked.</summary>
    public double Threshold { get; }

    /// <summary>Tells whether <paramref name="exampleInput"/> is the same as, or nearly the same as, <paramref name="input"/>.</summary>
    /// <param name="input">The current input.</param>
    /// <param name="exampleInput">A candidate example's input.</param>
    /// <returns><see langword="true"/> when the example must not be shown.</returns>
    public bool IsLeak(string input, string exampleInput)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(exampleInput);
        var a = Normalize(input);
        var b = Normalize(exampleInput);
        if (a == b)
        {
            return true;
        }

        return Jaccard(a.Split(' ', StringSplitOptions.RemoveEmptyEntries), b.Split(' ', StringSplitOptions.RemoveEmptyEntries)) >= Threshold
            || Jaccard(Trigrams(a), Trigrams(b)) >= Threshold;
    }

    /// <inheritdoc/>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add("threshold", Threshold);
    }

    internal static string Normalize(string text) => TextTerms.NormalizeWords(text);

    private static IEnumerable<string> Trigrams(string text) =>
        text.Length < 3 ? [text] : Enumerable.Range(0, text.Length - 2).Select(i => text.Substring(i, 3));

    private static double Jaccard(IEnumerable<string> first, IEnumerable<string> second)
    {
        var a = first.ToHashSet(StringComparer.Ordinal);
        var b = second.ToHashSet(StringComparer.Ordinal);
        if (a.Count == 0 && b.Count == 0)
        {
            return 1;
        }

        var intersection = a.Count(b.Contains);
        return (double)intersection / (a.Count + b.Count - intersection);
    }
}
