using System.Globalization;
using System.Text;

namespace LlmStrategies;

/// <summary>
/// Collects a strategy's settings as canonical "name=value" lines and hashes them into a <see cref="StrategyFingerprint"/>.
/// Numbers are written with the invariant culture and round-trip formats, so the text is identical everywhere.
/// </summary>
public sealed class FingerprintBuilder
{
    private readonly StringBuilder _text = new();
    private string _prefix = string.Empty;

    /// <summary>Gets the canonical text collected so far (record it beside experiment results to see what a fingerprint covers).</summary>
    public string CanonicalText => _text.ToString();

    /// <summary>Adds a text setting.</summary>
    /// <param name="name">The setting's name; letters, digits, '.', '_' or '-'.</param>
    /// <param name="value">The value; <see langword="null"/> is recorded as absent.</param>
    /// <returns>This builder.</returns>
    public FingerprintBuilder Add(string name, string? value)
    {
        ValidateName(name);
        _text.Append(_prefix).Append(name).Append('=');
        if (value is null)
        {
            _text.Append("<null>");
        }
        else
        {
            // Escape the characters that structure the text, so distinct values never collide.
            foreach (var c in value)
            {
                _ = c switch
                {
                    '\\' => _text.Append(@"\\"),
                    '\n' => _text.Append(@"\n"),
                    '\r' => _text.Append(@"\r"),
                    '<' => _text.Append(@"\<"),
                    _ => _text.Append(c),
                };
            }
        }

        _text.Append('\n');
        return this;
    }

    /// <summary>Adds an integer setting.</summary>
    /// <param name="name">The setting's name.</param>
    /// <param name="value">The value.</param>
    /// <returns>This builder.</returns>
    public FingerprintBuilder Add(string name, long value) => Add(name, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds a floating-point setting (round-trip formatted).</summary>
    /// <param name="name">The setting's name.</param>
    /// <param name="value">The value, or <see langword="null"/> when unset.</param>
    /// <returns>This builder.</returns>
    public FingerprintBuilder Add(string name, double? value) => Add(name, value?.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>Adds a Boolean setting.</summary>
    /// <param name="name">The setting's name.</param>
    /// <param name="value">The value.</param>
    /// <returns>This builder.</returns>
    public FingerprintBuilder Add(string name, bool value) => Add(name, value ? "true" : "false");

    /// <summary>
    /// Adds a component: its type name and, when it implements <see cref="IFingerprintable"/>, its settings under
    /// <paramref name="name"/> as a prefix.
    /// </summary>
    /// <param name="name">The component's role, for example "retriever".</param>
    /// <param name="component">The component, or <see langword="null"/> when the role is unfilled.</param>
    /// <returns>This builder.</returns>
    public FingerprintBuilder AddComponent(string name, object? component)
    {
        Add(name, component?.GetType().FullName);
        if (component is IFingerprintable fingerprintable)
        {
            var outer = _prefix;
            _prefix = string.Concat(outer, name, ".");
            try
            {
                fingerprintable.AddToFingerprint(this);
            }
            finally
            {
                _prefix = outer;
            }
        }

        return this;
    }

    /// <summary>Hashes the canonical text.</summary>
    /// <returns>The fingerprint.</returns>
    public StrategyFingerprint Build() => StrategyFingerprint.Compute(CanonicalText);

    private static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '-'))
            {
                throw new ArgumentException($"Fingerprint setting name '{name}' contains '{c}'; use letters, digits, '.', '_' or '-'.", nameof(name));
            }
        }
    }
}
