using System.Text.Json;

namespace LlmStrategies.Tests.TestDoubles;

/// <summary>The SQuAD v1.1 dev half in ../shared/data as a retrieval set: paragraphs are the corpus, questions the queries.</summary>
internal static class Squad
{
    private static readonly Lazy<(List<string> Paragraphs, List<(string Question, int Paragraph)> Questions)> Data = new(() =>
    {
        var path = SharedFiles.RequireFile("data/squad/squad-v1.1-dev-part-a.json");
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        var paragraphs = new List<string>();
        var questions = new List<(string, int)>();
        foreach (var article in json.RootElement.GetProperty("data").EnumerateArray())
        {
            foreach (var paragraph in article.GetProperty("paragraphs").EnumerateArray())
            {
                paragraphs.Add(paragraph.GetProperty("context").GetString()!);
                foreach (var qa in paragraph.GetProperty("qas").EnumerateArray())
                {
                    questions.Add((qa.GetProperty("question").GetString()!, paragraphs.Count - 1));
                }
            }
        }

        return (paragraphs, questions);
    });

    public static List<string> Paragraphs => Data.Value.Paragraphs;

    public static List<(string Question, int Paragraph)> Questions => Data.Value.Questions;
}
