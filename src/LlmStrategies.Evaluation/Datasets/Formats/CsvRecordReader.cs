using System.Text;

namespace LlmStrategies.Evaluation;

/// <summary>An RFC 4180 reader that remembers the line each record starts on.</summary>
internal sealed class CsvRecordReader
{
    private readonly List<(int Line, List<string> Fields)> _records = [];
    private readonly StringBuilder _field = new();
    private List<string> _fields = [];
    private int _line = 1;
    private int _recordLine = 1;

    public static List<(int Line, List<string> Fields)> Read(string path, string text, List<DatasetError> errors)
    {
        var reader = new CsvRecordReader();
        var quoted = false;
        var quoteLine = 0;
        for (var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0; i < text.Length; i++)
        {
            if (quoted)
            {
                quoted = reader.Quoted(text, ref i);
            }
            else if (text[i] == '"' && reader._field.Length == 0)
            {
                quoted = true;
                quoteLine = reader._line;
            }
            else
            {
                reader.Unquoted(text[i]);
            }
        }

        if (quoted)
        {
            errors.Add(new DatasetError(path, quoteLine, null, "a quoted field is never closed; add the closing double quote (write a literal quote inside a quoted field as \"\")."));
            return reader._records;
        }

        if (reader._field.Length > 0 || reader._fields.Count > 0)
        {
            reader.EndField();
            reader._records.Add((reader._recordLine, reader._fields));
        }

        return reader._records;
    }

    /// <summary>One character inside a quoted field; returns whether the field is still quoted afterwards.</summary>
    private bool Quoted(string text, ref int i)
    {
        var c = text[i];
        if (c == '"')
        {
            if (i + 1 < text.Length && text[i + 1] == '"')
            {
                _field.Append('"');
                i++;
                return true;
            }

            return false;
        }

        if (c == '\n')
        {
            _line++;
        }

        _field.Append(c);
        return true;
    }

    private void Unquoted(char c)
    {
        switch (c)
        {
            case ',':
                EndField();
                break;
            case '\r':
                break;
            case '\n':
                EndField();
                _records.Add((_recordLine, _fields));
                _fields = [];
                _line++;
                _recordLine = _line;
                break;
            default:
                _field.Append(c);
                break;
        }
    }

    private void EndField()
    {
        _fields.Add(_field.ToString());
        _field.Clear();
    }
}
