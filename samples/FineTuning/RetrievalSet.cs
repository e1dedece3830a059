using System.Globalization;
using System.Text.Json;

namespace FineTuningSample;

/// <summary>
/// A retrieval set split by source article (never by question, so no test question shares a paragraph with a training
/// pair): SQuAD v1.1 dev (half) from ../shared/data when present, otherwise a generated set of fictional facts.
/// </summary>
internal sealed class RetrievalSet
{
    public required string Name { get; init; }

    /// <summary>Every paragraph: the retrieval corpus.</summary>
    public required List<string> Paragraphs { get; init; }

    /// <summary>The article of each paragraph.</summary>
    public required List<int> ArticleOfParagraph { get; init; }

    public required List<(string Question, int Paragraph)> Questions { get; init; }

    public required int ArticleCount { get; init; }

    public bool IsSquad { get; init; }

    public static RetrievalSet Load(string? sharedRoot)
    {
        var path = sharedRoot is null ? null : Path.Combine(sharedRoot, "data", "squad", "squad-v1.1-dev-part-a.json");
        return path is not null && File.Exists(path) ? LoadSquad(path) : Generate(seed: 7);
    }

    /// <summary>Assigns articles to train, development and test at random (seeded): about 55 % / 15 % / 30 %.</summary>
    public (HashSet<int> Train, HashSet<int> Development, HashSet<int> Test) SplitArticles(int seed)
    {
        var articles = Enumerable.Range(0, ArticleCount).ToArray();
        new Random(seed).Shuffle(articles);
        var test = Math.Max(1, (int)Math.Round(ArticleCount * 0.3));
        var development = Math.Max(1, (int)Math.Round(ArticleCount * 0.15));
        return ([.. articles.Skip(test + development)], [.. articles.Skip(test).Take(development)], [.. articles.Take(test)]);
    }

    private static RetrievalSet LoadSquad(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        var paragraphs = new List<string>();
        var articleOf = new List<int>();
        var questions = new List<(string, int)>();
        var article = 0;
        foreach (var entry in json.RootElement.GetProperty("data").EnumerateArray())
        {
            foreach (var paragraph in entry.GetProperty("paragraphs").EnumerateArray())
            {
                paragraphs.Add(paragraph.GetProperty("context").GetString()!);
                articleOf.Add(article);
                foreach (var qa in paragraph.GetProperty("qas").EnumerateArray())
                {
                    questions.Add((qa.GetProperty("question").GetString()!, paragraphs.Count - 1));
                }
            }

            article++;
        }

        return new RetrievalSet { IsSquad = true, Name = "SQuAD v1.1 dev, part A (../shared/data/squad/squad-v1.1-dev-part-a.json)", Paragraphs = paragraphs, ArticleOfParagraph = articleOf, Questions = questions, ArticleCount = article };
    }

    /// <summary>
    /// Fictional facts, one paragraph per entity, grouped into "articles" by topic; questions paraphrase one fact each.
    /// Only a stand-in when the real set is absent: it shows the workflow, not how well an adapter works on real text.
    /// </summary>
    private static RetrievalSet Generate(int seed)
    {
        var random = new Random(seed);
        string[] syllables = ["kar", "vel", "mo", "tran", "isa", "lun", "dor", "pe", "quin", "sol", "ber", "ath", "rin", "gal", "tho", "mer"];
        string Name() => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(string.Concat(Enumerable.Range(0, 3).Select(_ => syllables[random.Next(syllables.Length)])));
        string[] topics = ["bridge", "museum", "river", "festival", "company", "ship", "library", "mountain"];
        var paragraphs = new List<string>();
        var articleOf = new List<int>();
        var questions = new List<(string, int)>();
        for (var article = 0; article < 20; article++)
        {
            var topic = topics[article % topics.Length];
            for (var p = 0; p < 12; p++)
            {
                var (entity, city, founder) = (Name(), Name(), Name());
                var year = 1700 + random.Next(320);
                var count = 2 + random.Next(90);
                paragraphs.Add($"The {entity} {topic} is in the city of {city}. It was founded in {year} by {founder}, who led it for {count} years. Visitors describe the {entity} {topic} as one of the landmarks of the region.");
                articleOf.Add(article);
                var index = paragraphs.Count - 1;
                questions.Add(($"Where is the {entity} {topic} located?", index));
                questions.Add(($"In which year was the {topic} called {entity} founded?", index));
                questions.Add(($"Who founded the {entity} {topic}?", index));
                questions.Add(($"For how many years did its founder lead the {entity} {topic}?", index));
            }
        }

        return new RetrievalSet { Name = "generated fictional facts (../shared/data is absent)", Paragraphs = paragraphs, ArticleOfParagraph = articleOf, Questions = questions, ArticleCount = 20 };
    }
}
