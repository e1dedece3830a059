namespace LlmStrategies;

/// <summary>
/// Implemented by strategy components whose answer-affecting state can change after the strategy is built: an index
/// that grows, an example store that is edited, a search parameter set at run time. A strategy reads
/// <see cref="ContentVersion"/> before every run and recomputes its fingerprint when it changed, so a response cached for
/// the old content is never served for the new one.
/// </summary>
/// <remarks>
/// Read on every run, so it must be cheap (a counter read, not a digest of the content). The component's
/// <see cref="IFingerprintable.AddToFingerprint"/> must write a digest of the content, not the version: equal content
/// gives equal fingerprints in every process, while versions are local to one instance.
/// </remarks>
public interface IContentVersioned
{
    /// <summary>Gets a number that changes whenever the component's answer-affecting state changes.</summary>
    long ContentVersion { get; }
}
