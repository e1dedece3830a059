using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Prompting;

/// <summary>
/// The textual conventions shared by the prompt builder, the chat-client middleware and the extractive baseline:
/// how context passages are marked for citation and how examples become chat turns.
/// </summary>
internal static partial class PromptText
{
    public const string ContextStart = "<context>";
    public const string ContextEnd = "</context>";
    public const string QuestionLabel = "Question: ";

    public const string ContextInstruction =
        "Answer using only the numbered context passages below, and cite each passage you use by its marker, for example [1]. " +
        "If the passages do not contain the answer, say that you cannot answer from the context.";

    /// <summary>Renders the instruction and the context block for <paramref name="chunks"/>; markers are 1-based ranks.</summary>
    public static string RenderContext(IReadOnlyList<RetrievedChunk> chunks)
    {
        var text = new StringBuilder(ContextInstruction).Append("\n\n").Append(ContextStart).Append('\n');
        for (var i = 0; i < chunks.Count; i++)
        {
            AppendContextEntry(text, i + 1, chunks[i]);
        }

        return text.Append(ContextEnd).ToString();
    }

    /// <summary>Renders one numbered passage of the context block.</summary>
    public static string RenderContextEntry(int marker, RetrievedChunk chunk) => AppendContextEntry(new StringBuilder(), marker, chunk).ToString();

    private static StringBuilder AppendContextEntry(StringBuilder text, int marker, RetrievedChunk chunk) =>
        text.Append('[').Append(marker).Append("] (source: ").Append(chunk.SourceId).Append(")\n").Append(chunk.Text.Trim()).Append("\n\n");

    /// <summary>Renders the final user turn: the context block (when any) followed by the labelled question.</summary>
    public static string RenderQuestion(IReadOnlyList<RetrievedChunk> chunks, string question) =>
        chunks.Count == 0 ? question : RenderContextBeforeQuestion(chunks) + question;

    /// <summary>Renders what goes before the question when there is context: the context block and the question label.</summary>
    public static string RenderContextBeforeQuestion(IReadOnlyList<RetrievedChunk> chunks) =>
        string.Concat(RenderContext(chunks), "\n\n", QuestionLabel);

    /// <summary>Renders examples as alternating user/assistant turns.</summary>
    public static IEnumerable<ChatMessage> RenderExamples(IReadOnlyList<FewShotExample> examples)
    {
        foreach (var example in examples)
        {
            yield return new ChatMessage(ChatRole.User, example.Input);
            yield return new ChatMessage(ChatRole.Assistant, example.Output);
        }
    }

    /// <summary>Finds the context passages in a rendered text, with their 1-based markers.</summary>
    public static List<ContextPassage> ParseContext(string text)
    {
        var passages = new List<ContextPassage>();
        var start = 0;
        while ((start = text.IndexOf(ContextStart, start, StringComparison.Ordinal)) >= 0)
        {
            var bodyStart = start + ContextStart.Length;
            var end = text.IndexOf(ContextEnd, bodyStart, StringComparison.Ordinal);
            if (end < 0)
            {
                end = text.Length;
            }

            var body = text.AsSpan(bodyStart, end - bodyStart).ToString();
            var headers = PassageHeader().Matches(body);
            for (var i = 0; i < headers.Count; i++)
            {
                var from = headers[i].Index + headers[i].Length;
                var to = i + 1 < headers.Count ? headers[i + 1].Index : body.Length;
                passages.Add(new ContextPassage(
                    int.Parse(headers[i].Groups[1].ValueSpan, provider: System.Globalization.CultureInfo.InvariantCulture),
                    headers[i].Groups[2].Value,
                    body[from..to].Trim()));
            }

            start = end;
        }

        return passages;
    }

    /// <summary>Returns the question part of a rendered final user turn (the text after the question label, or everything outside the context).</summary>
    public static string ExtractQuestion(string text)
    {
        var label = text.LastIndexOf("\n" + QuestionLabel, StringComparison.Ordinal);
        if (label >= 0)
        {
            return text[(label + 1 + QuestionLabel.Length)..].Trim();
        }

        var end = text.LastIndexOf(ContextEnd, StringComparison.Ordinal);
        var rest = end >= 0 ? text[(end + ContextEnd.Length)..] : text;
        return rest.Replace(ContextInstruction, string.Empty, StringComparison.Ordinal).Trim();
    }

    /// <summary>Lowercase hexadecimal SHA-256 of the UTF-8 text.</summary>
    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [GeneratedRegex(@"^\[(\d+)\] \(source: ([^\n]*)\)\n", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex PassageHeader();
}

/// <summary>A passage found in a rendered context block.</summary>
internal readonly record struct ContextPassage(int Marker, string SourceId, string Text);
