using Microsoft.Extensions.Compliance.Redaction;

namespace LlmStrategies.Monitoring.Logging;

/// <summary>
/// A Microsoft.Extensions.Compliance <see cref="Redactor"/> for free text: replaces e-mail addresses with "[email]",
/// phone numbers with "[phone]", and credential-looking strings (API keys with known prefixes, bearer tokens, long
/// high-entropy tokens) and passwords in URLs with "[secret]"; the rest of the text is kept so logs stay useful.
/// </summary>
public sealed class PatternRedactor : Redactor
{
    /// <inheritdoc/>
    public override int GetRedactedLength(ReadOnlySpan<char> input) => RedactText(input.ToString()).Length;

    /// <inheritdoc/>
    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        var redacted = RedactText(source.ToString());
        redacted.AsSpan().CopyTo(destination);
        return redacted.Length;
    }

    /// <summary>Redacts a string.</summary>
    internal static string RedactText(string text) => SensitiveText.Redact(text);
}
