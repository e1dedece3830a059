using System.Globalization;

namespace LlmStrategies.Evaluation;

/// <summary>One malformed record in a dataset file: where it is, which field is wrong, and how to fix it.</summary>
public sealed class DatasetError
{
    /// <summary>Creates an error.</summary>
    /// <param name="file">The file.</param>
    /// <param name="line">The 1-based line number (for CSV, the line where the record starts); 0 when the whole file is wrong.</param>
    /// <param name="field">The field, or <see langword="null"/> when the record as a whole is wrong.</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    public DatasetError(string file, int line, string? field, string message)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(message);
        File = file;
        Line = line;
        Field = field;
        Message = message;
    }

    /// <summary>Gets the file.</summary>
    public string File { get; }

    /// <summary>Gets the 1-based line number, or 0 for the whole file.</summary>
    public int Line { get; }

    /// <summary>Gets the field, or <see langword="null"/>.</summary>
    public string? Field { get; }

    /// <summary>Gets what is wrong and how to fix it.</summary>
    public string Message { get; }

    /// <summary>The first ten errors, one indented line each after a line break, and how many more there are (for exception messages).</summary>
    internal static string Listing(IReadOnlyList<DatasetError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        const int Shown = 10;
        var more = errors.Count > Shown ? string.Create(CultureInfo.InvariantCulture, $"{Environment.NewLine}  ... and {errors.Count - Shown} more") : string.Empty;
        return Environment.NewLine + string.Join(Environment.NewLine, errors.Take(Shown).Select(e => "  " + e)) + more;
    }

    /// <summary>Formats as "file:line: field 'x': message".</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{File}{(Line > 0 ? $":{Line}" : string.Empty)}: {(Field is null ? string.Empty : $"field '{Field}': ")}{Message}");
}
