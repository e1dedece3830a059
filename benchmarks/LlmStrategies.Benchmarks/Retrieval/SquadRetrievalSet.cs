using System.Text.Json;

namespace LlmStrategies.Benchmarks.Retrieval;

/// <summary>
/// SQuAD v1.1 dev (half, in ../shared/data) as a retrieval set: the 1,023 paragraphs are the corpus and each of the
/// 5,397 questions is a query whose one relevant document is its own paragraph.
/// </summary>
internal sealed class SquadRetrievalSet
{
    private SquadRetrievalSet(List<string> paragraphs, List<int> articles, List<(string Question, int Paragraph)> questions)
    {
        Paragraphs = paragraphs;
        ParagraphArticle = articles;
        Questions = questions;
    }

    public List<string> Paragraphs { get; }

    /// <summary>Gets the article (0-based, in file order) each paragraph belongs to.</summary>
    public List<int> ParagraphArticle { get; }

    public List<(string Question, int Paragraph)> Questions { get; }

    public static SquadRetrievalSet Load()
    {
        var path = FindShared("data/squad/squad-v1.1-dev-part-a.json");
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        var paragraphs = new List<string>();
        var articles = new List<int>();
        var questions = new List<(string, int)>();
        var articleIndex = 0;
        foreach (var article in json.RootElement.GetProperty("data").EnumerateArray())
        {
            foreach (var paragraph in article.GetProperty("paragraphs").EnumerateArray())
            {
                paragraphs.Add(paragraph.GetProperty("context").GetString()!);
                articles.Add(articleIndex);
                foreach (var qa in paragraph.GetProperty("qas").EnumerateArray())
                {
                    questions.Add((qa.GetProperty("question").GetString()!, paragraphs.Count - 1));
                }
            }

            articleIndex++;
        }

        return new SquadRetrievalSet(paragraphs, articles, questions);
    }

    /// <summary>The repository root: the folder above the benchmark binaries that holds LlmStrategies.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlmStrategies.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"LlmStrategies.sln not found above {AppContext.BaseDirectory}; run the benchmarks from the repository.");
    }

    /// <summary>Finds a file under ../shared beside the repository (or under $LLMSTRATEGIES_SHARED).</summary>
    public static string FindShared(string relative)
    {
        var root = Environment.GetEnvironmentVariable("LLMSTRATEGIES_SHARED") ?? Path.Combine(RepositoryRoot(), "..", "shared");
        var path = Path.GetFullPath(Path.Combine(root, relative));
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The benchmark needs {relative} from the shared material beside the repository (../shared), or set LLMSTRATEGIES_SHARED to its folder.", path);
    }

    /// <summary>A subset of the questions (the corpus stays whole).</summary>
    internal sealed record Subset(List<(string Question, int Paragraph)> Questions);
}
