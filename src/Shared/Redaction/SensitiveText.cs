using System.Text.RegularExpressions;

namespace LlmStrategies;

/// <summary>
/// Removes what must not reach logs, spans and error messages from free text: e-mail addresses, phone numbers,
/// credential-looking strings (API keys with known prefixes, bearer tokens, long high-entropy tokens), credentials in URLs,
/// and, for exception messages, quoted text (which is where components quote the prompt they failed on).
/// </summary>
internal static partial class SensitiveText
{
    /// <summary>Replaces e-mail addresses, phone numbers, credentials and URL passwords; the rest of the text is kept.</summary>
    public static string Redact(string text)
    {
        text = UrlCredentials().Replace(text, "${scheme}[secret]@");
        text = Email().Replace(text, "[email]");
        text = Secret().Replace(text, "[secret]");
        text = Bearer().Replace(text, "Bearer [secret]");
        return Phone().Replace(text, static m => m.Value.Count(char.IsAsciiDigit) >= 7 ? "[phone]" : m.Value);
    }

    /// <summary>Replaces quoted passages ("…", '…', “…”, ‘…’, «…», `…`) with "[quoted text removed]".</summary>
    public static string WithoutQuotedText(string text) => Quoted().Replace(text, "[quoted text removed]");

    /// <summary>
    /// An exception as logs may show it when no content redactor is configured: its type and its message without quoted
    /// text and with <see cref="Redact"/> applied (inner exceptions and stack traces are left out: they can quote the prompt too).
    /// </summary>
    public static string DescribeException(Exception exception) =>
        $"{exception.GetType().Name}: {Redact(WithoutQuotedText(exception.Message))}";

    // scheme://user:password@ or scheme://token@
    [GeneratedRegex(@"(?<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)[^/\s@]+@", RegexOptions.CultureInvariant)]
    private static partial Regex UrlCredentials();

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

    // Straight quotes only when they do not sit inside a word, so apostrophes ("don't", "the user's") are not quotes.
    [GeneratedRegex("\"[^\"\\r\\n]*\"|“[^”\\r\\n]*”|‘[^’\\r\\n]*’|«[^»\\r\\n]*»|`[^`\\r\\n]*`|(?<!\\w)'[^'\\r\\n]*'(?!\\w)", RegexOptions.CultureInvariant)]
    private static partial Regex Quoted();
}
