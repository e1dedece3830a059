using System.Globalization;
using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;

namespace LlmStrategies.Benchmarks.Analysis;

/// <summary>
/// A seeded synthetic RAG dataset at scale: companies with generated names, one document each (founding year, city,
/// staff, product), and questions about them from templates with varied openings, grouped by company. About 2 % of the
/// gold answers are changed to values no document has; about 1 % of the questions repeat another with different casing.
/// Plus a simulated run of two strategies on the test split (scores and sources drawn with the same seed).
/// </summary>
internal static class SyntheticDataset
{
    private static readonly string[] Syllables = ["ka", "ro", "mi", "ten", "vo", "lar", "shi", "qua", "zel", "dor", "pen", "ux", "bri", "sol", "nak", "fi", "gru", "hal", "jor", "wen"];
    private static readonly string[] Cities = ["Lisbon", "Oslo", "Tallinn", "Porto", "Ghent", "Lyon", "Turin", "Graz", "Malmo", "Bergen", "Krakow", "Leeds", "Cork", "Basel", "Split", "Riga"];
    private static readonly string[] Products = ["solar panels", "bicycles", "coffee machines", "drones", "hearing aids", "kayaks", "routers", "toys", "pianos", "boilers"];
    private static readonly string[] Openings = ["", "Quick question: ", "Please tell me, ", "I wonder, ", "Do you know ", "Could you say ", "Tell me: ", "Out of interest, ", "Help: ", "One more: "];
    private static readonly (string Attribute, string[] Templates)[] Questions =
    [
        ("founded", ["when was {0} founded?", "in which year was {0} founded?", "what year did {0} start?", "how old is {0}, when was it founded?"]),
        ("city", ["where is {0} based?", "in which city are the headquarters of {0}?", "where are {0}'s headquarters?", "what city is {0} in?"]),
        ("staff", ["how many people work at {0}?", "how many employees does {0} have?", "what is the headcount of {0}?", "how big is the staff of {0}?"]),
        ("product", ["what does {0} make?", "what is the main product of {0}?", "which products does {0} sell?", "what is {0} known for making?"]),
    ];

    public static EvaluationDataset Create(int items, int documents, int seed)
    {
        var random = new Random(seed);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var companies = new List<(string Name, string Founded, string City, string Staff, string Product)>();
        while (companies.Count < documents)
        {
            var name = string.Concat(Enumerable.Range(0, 3).Select(_ => Syllables[random.Next(Syllables.Length)]));
            name = char.ToUpperInvariant(name[0]) + name[1..] + " " + (random.Next(3) switch { 0 => "Labs", 1 => "Works", _ => "Group" });
            if (names.Add(name))
            {
                companies.Add((name, (1900 + random.Next(125)).ToString(CultureInfo.InvariantCulture), Cities[random.Next(Cities.Length)], (10 + random.Next(5000)).ToString(CultureInfo.InvariantCulture), Products[random.Next(Products.Length)]));
            }
        }

        var corpus = companies.Select((c, j) => new SourceDocument
        {
            Id = string.Create(CultureInfo.InvariantCulture, $"doc{j}"),
            Text = $"{c.Name} was founded in {c.Founded}. Its headquarters are in {c.City}, where about {c.Staff} people work. The company makes {c.Product} and sells them across Europe.",
        }).ToArray();
        var list = new List<EvaluationItem>(items);
        for (var i = 0; i < items; i++)
        {
            if (i > 0 && random.NextDouble() < 0.01)
            {
                var copy = list[random.Next(list.Count)];
                list.Add(new EvaluationItem { Id = Id(i), Input = copy.Input.ToUpperInvariant(), ExpectedOutputs = copy.ExpectedOutputs, Metadata = copy.Metadata, RelevantDocuments = copy.RelevantDocuments });
                continue;
            }

            var j = random.Next(companies.Count);
            var c = companies[j];
            var (attribute, templates) = Questions[random.Next(Questions.Length)];
            var question = Openings[random.Next(Openings.Length)] + string.Format(CultureInfo.InvariantCulture, templates[random.Next(templates.Length)], c.Name);
            question = char.ToUpperInvariant(question[0]) + question[1..];
            var gold = attribute switch { "founded" => c.Founded, "city" => c.City, "staff" => c.Staff, _ => c.Product };
            if (random.NextDouble() < 0.02)
            {
                gold = "unknown value " + random.Next(1_000_000).ToString(CultureInfo.InvariantCulture);
            }

            list.Add(new EvaluationItem
            {
                Id = Id(i),
                Input = question,
                ExpectedOutputs = [gold],
                Metadata = new Dictionary<string, string> { ["company"] = corpus[j].Id, ["topic"] = attribute },
                RelevantDocuments = new Dictionary<string, double> { [corpus[j].Id] = 1 },
            });
        }

        return new EvaluationDataset("synthetic", list, corpus);
    }

    /// <summary>A simulated run: rag puts the gold document in its context 75 % of the time and is right 80 % of those; prompt-only is right 10 % of the time.</summary>
    public static ExperimentRun SimulatedRun(EvaluationDataset test, int documents, int seed)
    {
        var random = new Random(seed);
        var reciprocalRank = new RetrievalEvaluator(k: 3).ReciprocalRankMetricName; // three sources per rag answer
        var records = new List<RunRecord>();
        foreach (var strategy in new[] { "prompt-only", "rag" })
        {
            foreach (var item in test.Items)
            {
                var gold = item.RelevantDocuments.Keys.First();
                IReadOnlyList<string> sources = strategy == "prompt-only" ? []
                    : random.NextDouble() < 0.75 ? [gold, Doc(random, documents), Doc(random, documents)]
                    : [Doc(random, documents), Doc(random, documents), Doc(random, documents)];
                var right = strategy == "prompt-only" ? random.NextDouble() < 0.10 : sources.Contains(gold) ? random.NextDouble() < 0.8 : random.NextDouble() < 0.05;
                var rank = sources.ToList().IndexOf(gold);
                records.Add(new RunRecord
                {
                    StrategyName = strategy,
                    Fingerprint = "simulated-" + strategy,
                    ItemId = item.Id,
                    Response = new RecordedResponse { Outcome = StrategyOutcome.Answered, Answer = right ? item.ExpectedOutputs[0] : "I cannot answer that.", SourceIds = sources },
                    Metrics =
                    [
                        new MetricValue { Name = ContainsEvaluator.MetricName, Value = right ? 1 : 0, IsBinary = true },
                        new MetricValue { Name = reciprocalRank, Value = rank < 0 ? 0 : 1.0 / (rank + 1) },
                    ],
                });
            }
        }

        return new ExperimentRun
        {
            Name = "simulated",
            DatasetName = test.Name,
            DatasetFingerprint = test.Fingerprint,
            Strategies = [new StrategyInfo { Name = "prompt-only", Fingerprint = "simulated-prompt-only" }, new StrategyInfo { Name = "rag", Fingerprint = "simulated-rag" }],
            ItemIds = test.Items.Select(i => i.Id).ToArray(),
            Records = records,
            Prices = new PriceTable(),
        };
    }

    private static string Doc(Random random, int documents) => string.Create(CultureInfo.InvariantCulture, $"doc{random.Next(documents)}");

    private static string Id(int i) => string.Create(CultureInfo.InvariantCulture, $"s{i:D6}");
}
