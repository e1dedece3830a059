using System.Globalization;
using LlmStrategies;
using LlmStrategies.Evaluation;

namespace StrategyLadder;

/// <summary>
/// Writes a realistic, fictional knowledge base: the products, offices and support plans of "Brightwater Networks",
/// a few hundred short documents of facts, and a few hundred questions whose answers are literally in one sentence
/// of one document (so an extractive reader can find them, and retrieval metrics have one relevant document each).
/// Deterministic for a seed; nothing here is real.
/// </summary>
internal static class KnowledgeBaseGenerator
{
    private static readonly string[] ProductStems =
    [
        "Aurora", "Pebble", "Lumen", "Vesper", "Corvid", "Halcyon", "Nimbus", "Quill", "Tessera", "Solace", "Ember", "Fjord",
        "Kestrel", "Lyra", "Meridian", "Nova", "Orchid", "Pylon", "Quasar", "Rook", "Sable", "Tundra", "Umbra", "Verdant",
        "Wren", "Zephyr", "Basalt", "Cinder", "Drift", "Estuary",
    ];

    private static readonly string[] WifiStandards = ["6", "6E", "7"];
    private static readonly string[] ProductModels = ["X1", "X3", "X5", "Mini", "Pro", "Max", "Lite", "Duo", "Edge", "Air"];

    private static readonly string[] CitySyllables = ["Var", "Kel", "Mor", "Tas", "Lin", "Bre", "Osk", "Hal", "Ryn", "Sel", "Dun", "Fal", "Gor", "Ist", "Jor", "Nal"];
    private static readonly string[] CityEndings = ["ndor", "vik", "haven", "mere", "stad", "ford", "holm", "brook", "wick", "dale"];
    private static readonly string[] FirstNames = ["Aino", "Mikko", "Sara", "Jonas", "Leena", "Tomas", "Iris", "Pekka", "Maja", "Oskar", "Elin", "Ville", "Noora", "Henrik", "Ada", "Lauri"];
    private static readonly string[] LastNames = ["Virtanen", "Lindqvist", "Korhonen", "Berg", "Nieminen", "Dahl", "Heikkinen", "Strand", "Laine", "Holm", "Salo", "Ek"];
    private static readonly string[] Colours = ["graphite", "white", "sand", "forest green", "midnight blue", "coral", "silver", "slate"];
    private static readonly string[] Functions = ["hardware repairs", "firmware development", "customer onboarding", "enterprise sales", "logistics", "quality testing", "partner training", "warranty claims"];
    private static readonly string[] Regions = ["Nordic", "Baltic", "Alpine", "Iberian", "Benelux", "Adriatic", "Celtic", "Danube"];
    private static readonly string[] PlanColours = ["Amber", "Cobalt", "Jade", "Onyx", "Pearl", "Ruby", "Saffron", "Topaz", "Umber", "Violet", "Indigo", "Garnet"];
    private static readonly string[] Features = ["on-site installation", "a spare router", "remote network audits", "priority firmware builds", "a dedicated engineer", "quarterly health reports", "free shipping of replacements", "24-hour device swaps"];

    /// <summary>A generated fact: the sentence stating it and the question asking for it (the answer is cut from the sentence).</summary>
    private sealed record Fact(string Kind, string Sentence, string Question);

    public static (IReadOnlyList<SourceDocument> Corpus, IReadOnlyList<EvaluationItem> Questions) Generate(int seed, int products = 160, int offices = 60, int plans = 40)
    {
        var random = new Random(seed);
        var documents = new List<SourceDocument>();
        var questions = new List<EvaluationItem>();

        var productNames = ProductStems.SelectMany(s => ProductModels.Select(m => $"{s} {m}")).OrderBy(_ => random.Next()).Take(products).ToArray();
        foreach (var name in productNames)
        {
            var facts = new List<Fact>
            {
                new("price", $"The {name} costs {Number(random, 49, 899)} euros.", $"How much does the {name} cost?"),
                new("launch", $"The {name} was launched in {random.Next(2012, 2026)}.", $"In which year was the {name} launched?"),
                new("warranty", $"The {name} comes with a {random.Next(1, 6)}-year warranty.", $"How long is the warranty on the {name}?"),
                new("weight", $"The {name} weighs {Number(random, 180, 1400)} grams.", $"How much does the {name} weigh?"),
                new("coverage", $"A single {name} covers about {random.Next(4, 40) * 10} square metres.", $"How large an area does a single {name} cover?"),
                new("colours", $"The {name} is sold in {Pair(random, Colours)}.", $"In which colours is the {name} sold?"),
                new("standard", $"The {name} supports Wi-Fi {WifiStandards[random.Next(WifiStandards.Length)]}.", $"Which Wi-Fi standard does the {name} support?"),
            };
            AddDocument(documents, questions, random, "product", name, $"The {name} is a mesh Wi-Fi product made by Brightwater Networks.", facts, questionsPerDocument: 2);
        }

        var cities = CitySyllables.SelectMany(a => CityEndings.Select(b => a + b)).OrderBy(_ => random.Next()).Take(offices).ToArray();
        foreach (var city in cities)
        {
            var facts = new List<Fact>
            {
                new("opened", $"The {city} office opened in {random.Next(2009, 2026)}.", $"In which year was the {city} office opened?"),
                new("staff", $"The {city} office employs {random.Next(6, 320)} people.", $"How many people does the {city} office employ?"),
                new("lead", $"The {city} office is led by {FirstNames[random.Next(FirstNames.Length)]} {LastNames[random.Next(LastNames.Length)]}.", $"By whom is the {city} office led?"),
                new("function", $"The {city} office handles {Functions[random.Next(Functions.Length)]} for the {Regions[random.Next(Regions.Length)]} region.", $"What does the {city} office handle?"),
            };
            AddDocument(documents, questions, random, "office", $"{city} office", $"Brightwater Networks has an office in {city}.", facts, questionsPerDocument: 2);
        }

        var planNames = PlanColours.SelectMany(c => new[] { "Home", "Business", "Campus", "Retail" }.Select(t => $"{c} {t}")).OrderBy(_ => random.Next()).Take(plans).ToArray();
        foreach (var plan in planNames)
        {
            var facts = new List<Fact>
            {
                new("fee", $"The {plan} support plan costs {random.Next(4, 120)} euros per month.", $"How much does the {plan} support plan cost per month?"),
                new("response", $"The {plan} plan guarantees a response within {random.Next(1, 49)} hours.", $"Within how many hours does the {plan} plan guarantee a response?"),
                new("includes", $"The {plan} plan includes {Features[random.Next(Features.Length)]}.", $"What does the {plan} plan include?"),
            };
            AddDocument(documents, questions, random, "plan", $"{plan} plan", $"{plan} is a Brightwater support plan.", facts, questionsPerDocument: 2);
        }

        return (documents, questions);
    }

    private static void AddDocument(List<SourceDocument> documents, List<EvaluationItem> questions, Random random, string kind, string title, string intro, List<Fact> facts, int questionsPerDocument)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"{kind}-{documents.Count + 1:D3}");
        var ordered = facts.OrderBy(_ => random.Next()).ToList();
        documents.Add(new SourceDocument
        {
            Id = id,
            Text = intro + " " + string.Join(" ", ordered.Select(f => f.Sentence)),
            Metadata = new Dictionary<string, string> { ["kind"] = kind, ["title"] = title },
        });
        foreach (var fact in ordered.Take(questionsPerDocument))
        {
            // The extractive baseline can only find answers that are literally in the document: check every one.
            if (!documents[^1].Text.Contains(fact.Sentence, StringComparison.Ordinal) || !fact.Sentence.Contains(AnswerOf(fact), StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Generated fact '{fact.Sentence}' does not literally contain its answer '{AnswerOf(fact)}'.");
            }

            questions.Add(new EvaluationItem
            {
                Id = string.Create(CultureInfo.InvariantCulture, $"q{questions.Count + 1:D3}"),
                Input = fact.Question,
                ExpectedOutputs = [AnswerOf(fact)],
                Label = kind,
                Metadata = new Dictionary<string, string> { ["document"] = id, ["fact"] = fact.Kind, ["sentence"] = fact.Sentence },
                RelevantDocuments = new Dictionary<string, double> { [id] = 1 },
            });
        }
    }

    /// <summary>The short answer: the part of the sentence after the subject and verb.</summary>
    private static string AnswerOf(Fact fact)
    {
        var s = fact.Sentence.TrimEnd('.');
        string After(string marker) => s[(s.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
        return fact.Kind switch
        {
            "price" or "fee" => After(" costs ").Replace(" per month", string.Empty, StringComparison.Ordinal),
            "launch" => After(" launched in "),
            "warranty" => After(" with a ").Replace(" warranty", string.Empty, StringComparison.Ordinal),
            "weight" => After(" weighs "),
            "coverage" => After(" covers about "),
            "colours" => After(" sold in "),
            "standard" => After(" supports "),
            "opened" => After(" opened in "),
            "staff" => After(" employs "),
            "lead" => After(" led by "),
            "function" => After(" handles ")[..After(" handles ").IndexOf(" for the ", StringComparison.Ordinal)],
            "response" => After(" within "),
            "includes" => After(" includes "),
            _ => throw new InvalidOperationException(fact.Kind),
        };
    }

    private static string Number(Random random, int min, int max) => random.Next(min, max).ToString(CultureInfo.InvariantCulture);

    private static string Pair(Random random, string[] values)
    {
        var a = random.Next(values.Length);
        var b = (a + 1 + random.Next(values.Length - 1)) % values.Length;
        return $"{values[a]} and {values[b]}";
    }
}
