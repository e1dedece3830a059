using System.Collections;
using System.Globalization;
using System.Text;

namespace LlmStrategies.Monitoring.Logging;

/// <summary>
/// The state of one call-log event: only the fields that have a value, both as structured properties and in the message,
/// so a console never shows an empty placeholder ("request :", "(cached )"). The message template is kept under
/// "{OriginalFormat}", as source-generated logging does, for sinks that group events by template.
/// </summary>
internal sealed class CallLogState : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly List<KeyValuePair<string, object?>> _properties = [];
    private readonly StringBuilder _template = new();
    private readonly StringBuilder _message = new();

    public int Count => _properties.Count + 1;

    public KeyValuePair<string, object?> this[int index] =>
        index == _properties.Count ? new("{OriginalFormat}", _template.ToString()) : _properties[index];

    /// <summary>Appends literal text.</summary>
    public CallLogState Text(string text)
    {
        _template.Append(text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal));
        _message.Append(text);
        return this;
    }

    /// <summary>Appends a property; with <paramref name="value"/> <see langword="null"/>, neither it nor its surrounding text.</summary>
    public CallLogState Field(string before, string name, object? value, string after = "")
    {
        if (value is null)
        {
            return this;
        }

        Text(before);
        _properties.Add(new(name, value));
        _template.Append('{').Append(name).Append('}');
        _message.Append(value is IFormattable formattable ? formattable.ToString(null, CultureInfo.InvariantCulture) : value.ToString());
        return Text(after);
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => _message.ToString();

    /// <summary>The formatter to pass to <c>ILogger.Log</c>.</summary>
    public static string Format(CallLogState state, Exception? exception) => state.ToString();
}
