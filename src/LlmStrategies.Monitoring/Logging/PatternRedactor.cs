using System.Text.RegularExpressions;
using Microsoft.Extensions.Compliance.Redaction;

namespace LlmStrategies.Monitoring.Logging;

/// <summary>
/// A Microsoft.Extensions.Compliance <see cref="Redactor"/> for free text: replaces e-mail addresses with "[email]",
/// phone numbers with "[phone]", and credential-looking strings (API keys with known prefixes, bearer tokens, long
/// high-entropy tokens) with "[secret]"; the rest of the text is kept so logs stay useful.
/// </summary>
public sealed partial class PatternRedactor : Redactor
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
    internal static string RedactText(string text)
    {
        text = Email().Replace(text, "[email]");
        text = Secret().Replace(text, "[secret]");
        text = Bearer().Replace(text, "Bearer [secret]");
        return Phone().Replace(text, static m => m.Value.Count(char.IsAsciiDigit) >= 7 ? "[phone]" : m.Value);
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex Email();

    // Known key prefixes (OpenAI sk-, GitHub ghp_/gho_, Slack xox., AWS AKIA, Google AIza) or 32+ characters of base64/hex.
    [GeneratedRegex(@"\b(?:sk-[A-Za-z0-9_\-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|xox[abposr]-[A-Za-z0-9\-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_\-]{30,}|[A-Za-z0-9+/_\-]{32,}={0,2})", RegexOptions.CultureInvariant)]
    private static partial Regex Secret();

    [GeneratedRegex(@"Bearer\s+[A-Za-z0-9._~+/\-]+=*", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Bearer();

    // International or national numbers: optional +country code, optional (area code), then groups of digits separated by
    // spaces, dots or dashes; a match is redacted when it holds at least 7 digits (so "2 years" or "X200" stay).
    [GeneratedRegex(@"(?<![\w+])(?:\+?\d{1,3}[\s.\-]?)?(?:\(\d{1,4}\)[\s.\-]?)?\d{2,4}(?:[\s.\-]\d{2,4}){1,4}(?!\w)", RegexOptions.CultureInvariant)]
    private static partial Regex Phone();
}
