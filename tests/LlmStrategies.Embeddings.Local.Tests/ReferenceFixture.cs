using System.Runtime.InteropServices;
using System.Text.Json;

namespace LlmStrategies.Embeddings.Local.Tests;

/// <summary>
/// Fixtures/use-lite-reference.json: sentences embedded by the ORIGINAL TF.js model
/// (tools/embedding-reference/reference.js), with the original tokenizer's ids and the 512-d vectors.
/// </summary>
internal sealed record ReferenceSentence(string Text, int[] Tokens, float[] Embedding);

internal static class ReferenceFixture
{
    public const int ExpectedSentenceCount = 56;

    private static readonly Lazy<IReadOnlyList<ReferenceSentence>> s_sentences = new(Load);

    public static IReadOnlyList<ReferenceSentence> Sentences => s_sentences.Value;

    private static IReadOnlyList<ReferenceSentence> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fixtures", "use-lite-reference.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var sentences = new List<ReferenceSentence>();
        foreach (var entry in document.RootElement.GetProperty("sentences").EnumerateArray())
        {
            var bytes = Convert.FromBase64String(entry.GetProperty("embedding").GetString()!);
            var embedding = new float[bytes.Length / 4];
            Buffer.BlockCopy(bytes, 0, embedding, 0, bytes.Length);
            // The text as UTF-16 code units: some sentences hold unpaired surrogates, which JSON string readers reject
            // (and Encoding.Unicode would replace with U+FFFD, so the units are copied as they are).
            var text = new string(MemoryMarshal.Cast<byte, char>(Convert.FromBase64String(entry.GetProperty("textUtf16").GetString()!)));
            sentences.Add(new ReferenceSentence(
                text,
                entry.GetProperty("tokens").EnumerateArray().Select(token => token.GetInt32()).ToArray(),
                embedding));
        }

        return sentences;
    }
}
