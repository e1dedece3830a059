using System.Globalization;
using System.Text.Json;

namespace LlmStrategies.Benchmarks.Postgres;

/// <summary>SQuAD v1.1 dev part A (../shared/data) as a retrieval set: 1,023 paragraphs; each of the 5,397 questions has its own paragraph as the one relevant chunk.</summary>
internal sealed record SquadCorpus(TextChunk[] Paragraphs, (string Question, string ParagraphId)[] Questions)
{
    public const string RelativePath = "data/squad/squad-v1.1-dev-part-a.json";

    public static SquadCorpus Load(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        var paragraphs = new List<TextChunk>();
        var questions = new List<(string, string)>();
        var article = 0;
        foreach (var item in json.RootElement.GetProperty("data").EnumerateArray())
        {
            foreach (var paragraph in item.GetProperty("paragraphs").EnumerateArray())
            {
                var id = paragraphs.Count.ToString(CultureInfo.InvariantCulture);
                var text = paragraph.GetProperty("context").GetString()!;
                paragraphs.Add(new TextChunk
                {
                    Id = id,
                    SourceId = "article-" + article.ToString(CultureInfo.InvariantCulture),
                    Text = text,
                    StartOffset = 0,
                    Length = text.Length,
                    Metadata = new Dictionary<string, string> { ["article"] = article.ToString(CultureInfo.InvariantCulture) },
                });
                questions.AddRange(paragraph.GetProperty("qas").EnumerateArray().Select(qa => (qa.GetProperty("question").GetString()!, id)));
            }

            article++;
        }

        return new SquadCorpus([.. paragraphs], [.. questions]);
    }

    /// <summary>Finds ../shared beside the repository (or $LLMSTRATEGIES_SHARED).</summary>
    public static string FindShared(string relative)
    {
        var root = Environment.GetEnvironmentVariable("LLMSTRATEGIES_SHARED") ?? Path.Combine(RepositoryRoot(), "..", "shared");
        var path = Path.GetFullPath(Path.Combine(root, relative));
        return File.Exists(path) ? path : throw new FileNotFoundException($"The benchmark needs {relative} from the shared material beside the repository (../shared), or LLMSTRATEGIES_SHARED set to its folder.", path);
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlmStrategies.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"LlmStrategies.sln not found above {AppContext.BaseDirectory}; run the benchmark from the repository.");
    }
}
