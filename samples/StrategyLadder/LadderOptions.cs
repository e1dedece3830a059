namespace StrategyLadder;

/// <summary>The sample's settings (section "Ladder": --Ladder:Output=..., or LLMSTRATEGIES_Ladder__Output=...).</summary>
internal sealed class LadderOptions
{
    /// <summary>Where the reports, split manifest, generated data, response cache and checkpoint go.</summary>
    public string Output { get; set; } = Path.Combine("artifacts", "ladder");

    /// <summary>Another dataset: a .jsonl, .csv or SQuAD .json file, or a BEIR folder. Default: the generated knowledge base.</summary>
    public string? Dataset { get; set; }

    /// <summary>The RAG corpus for a JSONL/CSV dataset (BEIR corpus.jsonl format). BEIR and SQuAD datasets bring their own.</summary>
    public string? Corpus { get; set; }

    /// <summary>The seed of the generator, the split and the statistics.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>The share of items in the test split.</summary>
    public double TestFraction { get; set; } = 0.4;

    /// <summary>At most this many test items (a cheap first run with a paid model), or null for all.</summary>
    public int? MaxTestItems { get; set; }

    /// <summary>Calls in flight at once.</summary>
    public int Parallelism { get; set; } = 4;

    /// <summary>Calls started per second, or null for no limit.</summary>
    public double? RequestsPerSecond { get; set; }

    /// <summary>The budget in the price table's currency; default none offline, 1.00 with a real provider.</summary>
    public decimal? Budget { get; set; }

    /// <summary>A price table JSON file (see PriceTable.Load); default a small built-in table.</summary>
    public string? Prices { get; set; }

    /// <summary>Repeats per item (for nondeterministic models).</summary>
    public int Repeats { get; set; } = 1;

    /// <summary>Bootstrap resamples and permutations.</summary>
    public int Resamples { get; set; } = 10_000;

    /// <summary>The local embedding model folder; default .models/use-lite above the working directory, then the per-user default.</summary>
    public string? EmbeddingModel { get; set; }

    /// <summary>Do not use the response cache (every run calls the model).</summary>
    public bool NoCache { get; set; }

    /// <summary>A stored report.json to gate this run against (exit code 3 on a significant drop).</summary>
    public string? GateBaseline { get; set; }

    /// <summary>The expected production volume the fine-tuning advisor weighs per-call savings against.</summary>
    public double CallsPerMonth { get; set; } = 100_000;

    /// <summary>Fail (exit code 4) when test items overlap the few-shot pool or the corpus.</summary>
    public bool FailOnLeakage { get; set; }
}
