using System.Security.Cryptography;
using System.Text;

namespace LlmStrategies;

/// <summary>
/// A stable hash of a strategy's configuration: equal settings give equal fingerprints in every process and on every
/// machine, so experiment results and caches can be keyed by it.
/// </summary>
public readonly struct StrategyFingerprint : IEquatable<StrategyFingerprint>
{
    private readonly string? _value;

    private StrategyFingerprint(string value) => _value = value;

    /// <summary>Gets the fingerprint as 32 lowercase hexadecimal characters (the first 128 bits of a SHA-256); empty for <see langword="default"/>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Computes the fingerprint of a canonical configuration text.</summary>
    /// <param name="canonicalText">The canonical text, for example <see cref="FingerprintBuilder.CanonicalText"/>.</param>
    /// <returns>The fingerprint.</returns>
    public static StrategyFingerprint Compute(string canonicalText)
    {
        ArgumentNullException.ThrowIfNull(canonicalText);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(canonicalText), hash);
        return new(Convert.ToHexStringLower(hash[..16]));
    }

    /// <summary>Parses a fingerprint previously obtained from <see cref="Value"/>.</summary>
    /// <param name="value">32 hexadecimal characters.</param>
    /// <returns>The fingerprint.</returns>
    /// <exception cref="FormatException"><paramref name="value"/> is not 32 hexadecimal characters.</exception>
    public static StrategyFingerprint Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != 32 || !value.All(char.IsAsciiHexDigit))
        {
            throw new FormatException($"'{value}' is not a strategy fingerprint: expected 32 hexadecimal characters.");
        }

        return new(value.ToLowerInvariant());
    }

    /// <summary>Compares two fingerprints.</summary>
    /// <param name="left">The first fingerprint.</param>
    /// <param name="right">The second fingerprint.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(StrategyFingerprint left, StrategyFingerprint right) => left.Equals(right);

    /// <summary>Compares two fingerprints.</summary>
    /// <param name="left">The first fingerprint.</param>
    /// <param name="right">The second fingerprint.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(StrategyFingerprint left, StrategyFingerprint right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(StrategyFingerprint other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is StrategyFingerprint other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc/>
    public override string ToString() => Value;
}
