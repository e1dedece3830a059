using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LlmStrategies.Evaluation;

/// <summary>
/// An unambiguous SHA-256 over a sequence of fields: every field is written as its UTF-8 length, a colon and its
/// bytes, so no two different field sequences hash the same text.
/// </summary>
internal sealed class ContentHash : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public ContentHash Add(string? value)
    {
        if (value is null)
        {
            _hash.AppendData("~;"u8);
            return this;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        _hash.AppendData(Encoding.ASCII.GetBytes(bytes.Length.ToString(CultureInfo.InvariantCulture) + ":"));
        _hash.AppendData(bytes);
        return this;
    }

    public ContentHash Add(double value) => Add(value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>Returns the first 128 bits as 32 lowercase hexadecimal characters.</summary>
    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset().AsSpan(0, 16));

    public void Dispose() => _hash.Dispose();

    public static string Of(params string[] fields)
    {
        using var hash = new ContentHash();
        foreach (var field in fields)
        {
            hash.Add(field);
        }

        return hash.Finish();
    }
}
