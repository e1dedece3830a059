using Microsoft.ML.Tokenizers;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>Counts text lengths in a tokenizer's tokens, or in whitespace-separated words when no tokenizer is given (and says which).</summary>
internal sealed class TextLength(Tokenizer? tokenizer, string? tokenizerName)
{
    public string Unit { get; } = tokenizer is null ? "words (whitespace-separated; no tokenizer given)" : $"{tokenizerName ?? "tokenizer"} tokens";

    public int Count(string text)
    {
        if (tokenizer is not null)
        {
            return tokenizer.CountTokens(text);
        }

        var words = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var space = char.IsWhiteSpace(c);
            if (!space && !inWord)
            {
                words++;
            }

            inWord = !space;
        }

        return words;
    }
}
