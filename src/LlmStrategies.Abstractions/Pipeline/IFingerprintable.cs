namespace LlmStrategies;

/// <summary>
/// Implemented by strategy components whose settings can change answers (retrievers, selectors, prompt builders,
/// validators), so that two strategies differing only in such a setting get different fingerprints.
/// </summary>
/// <remarks>Components that do not implement it contribute only their type name to a fingerprint.</remarks>
public interface IFingerprintable
{
    /// <summary>Writes every answer-affecting setting to <paramref name="builder"/>.</summary>
    /// <param name="builder">The builder to write to.</param>
    void AddToFingerprint(FingerprintBuilder builder);
}
