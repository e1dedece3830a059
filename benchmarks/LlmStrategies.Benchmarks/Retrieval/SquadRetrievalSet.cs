using System.Text.Json;

namespace LlmStrategies.Benchmarks.Retrieval;

/// <summary>
/// SQuAD v1.1 dev (half, in ../shared/data) as a retrieval set: the 1,023 paragraphs are the corpus and each of the
/// 5,397 questions is a query whose one relevant document is its own paragraph.
/// </summary>
internal sealed class SquadRetrievalSet
{
    private SquadRetrievalSet(List<string> paragraphs, List<(string Question, int Paragraph)> questions)
    {
        Paragraphs = paragraphs;
        Questions = questions;
    }

    public List<string> Paragraphs { get; }

    public List<(string Question, int Paragraph)> Questions { get; }

    public static SquadRetrievalSet Load()
    {
        var path = FindShared("data/squad/squad-v1.1-dev-part-a.json");
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

        return new SquadRetrievalSet(paragraphs, questions);
    }

    /// <summary>Finds a file under ../shared beside the repository (or under $LLMSTRATEGIES_SHARED).</summary>
    public static string FindShared(string relative)
    {
        var root = Environment.GetEnvironmentVariable("LLMSTRATEGIES_SHARED");
        if (root is null)
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LlmStrategies.sln")))
                {
                    root = Path.Combine(dir.FullName, "..", "shared");
                    break;
                }
            }
        }

        var path = root is null ? null : Path.GetFullPath(Path.Combine(root, relative));
        return path is not null && File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The benchmark needs {relative} from the shared material beside the repository (../shared), or set LLMSTRATEGIES_SHARED to its folder.", path ?? relative);
    }
}
