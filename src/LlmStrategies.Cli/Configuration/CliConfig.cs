namespace LlmStrategies.Cli.Configuration;

/// <summary>A validated config file. Paths are absolute (relative ones are resolved against the config file's folder).</summary>
internal sealed record CliConfig
{
    public required string File { get; init; }

    public required string Name { get; init; }

    public int Seed { get; init; } = 42;

    public required string Output { get; init; }

    public required DatasetConfig Dataset { get; init; }

    public required IReadOnlyList<ModelConfig> Models { get; init; }

    public required IReadOnlyList<StrategyConfig> Strategies { get; init; }

    public required string Instructions { get; init; }

    /// <summary>Gets the evaluator ids: contains, exact-match, squad, retrieval@k, latency-cost.</summary>
    public required IReadOnlyList<string> Evaluators { get; init; }

    /// <summary>Gets the primary metric's name as the evaluators report it (for example "Contains Answer").</summary>
    public required string PrimaryMetric { get; init; }

    public RunConfig Run { get; init; } = new();

    public GateConfig Gate { get; init; } = new();

    public TuneConfig? Tune { get; init; }
}

internal enum DatasetFormat
{
    Auto,
    Jsonl,
    Csv,
    Squad,
    Beir,
}

internal sealed record DatasetConfig
{
    public required string Path { get; init; }

    public DatasetFormat Format { get; init; }

    public string? Corpus { get; init; }

    public double Train { get; init; } = 0.6;

    public double Dev { get; init; } = 0.2;

    public double Test { get; init; } = 0.2;

    public string? GroupBy { get; init; }

    /// <summary>Gets the size of the seeded test sample, or null to score every test item.</summary>
    public int? Sample { get; init; }
}

internal enum ProviderKind
{
    Baseline,
    OpenAI,
    Ollama,
}

internal sealed record ModelConfig
{
    public required string Name { get; init; }

    public ProviderKind Provider { get; init; }

    /// <summary>Gets the provider's model id (null for the baseline).</summary>
    public string? Model { get; init; }

    public Uri? Endpoint { get; init; }

    public string ApiKeyEnv { get; init; } = "OPENAI_API_KEY";

    public PriceConfig? Price { get; init; }
}

/// <summary>A price per one million tokens.</summary>
internal sealed record PriceConfig(decimal Input, decimal CachedInput, decimal Output);

internal enum RetrieverKind
{
    Bm25,
    Vector,
    Hybrid,
}

internal enum SelectorKind
{
    Fixed,
    Random,
    Lexical,
    Semantic,
    Mmr,
}

internal sealed record FewShotConfig(int Examples, SelectorKind Selector);

internal sealed record RagConfig(RetrieverKind Retriever, int Top);

/// <summary>A rung: prompt-only (neither few-shot nor RAG), few-shot, RAG, both, or a tuned configuration file.</summary>
internal sealed record StrategyConfig
{
    public required string Name { get; init; }

    public FewShotConfig? FewShot { get; init; }

    public RagConfig? Rag { get; init; }

    /// <summary>Gets the tuned configuration file written by <c>llmstrategies tune</c>, or null.</summary>
    public string? Tuned { get; init; }
}

internal sealed record RunConfig
{
    public decimal? Budget { get; init; }

    public string Currency { get; init; } = "USD";

    public int Parallelism { get; init; } = 4;

    public int Repeats { get; init; } = 1;

    public double? RequestsPerSecond { get; init; }

    public bool Cache { get; init; } = true;

    public int Resamples { get; init; } = 10_000;
}

internal sealed record GateConfig
{
    /// <summary>Gets the metrics to gate (names as reported); empty gates the primary metric.</summary>
    public IReadOnlyList<string> Metrics { get; init; } = [];

    public double Tolerance { get; init; } = 0.01;

    public double Alpha { get; init; } = 0.05;

    /// <summary>Gets the primary-metric score below which an item × rung is a failing JUnit test case.</summary>
    public double ItemPassScore { get; init; } = 0.5;
}

internal sealed record TuneConfig
{
    public required string Output { get; init; }

    /// <summary>Gets the name of the model (from <see cref="CliConfig.Models"/>) to tune with.</summary>
    public required string Model { get; init; }

    public string Method { get; init; } = "grid";

    public int? Samples { get; init; }

    public required TuneSpaceConfig Space { get; init; }
}

/// <summary>The search space of <c>tune</c>: the values to try for each setting of a rung.</summary>
internal sealed record TuneSpaceConfig
{
    public IReadOnlyList<string> Strategy { get; init; } = ["prompt-only", "few-shot", "rag", "few-shot+rag"];

    public IReadOnlyList<string> Retriever { get; init; } = ["bm25"];

    public IReadOnlyList<int> Top { get; init; } = [3];

    public IReadOnlyList<int> Examples { get; init; } = [3];

    public IReadOnlyList<string> Selector { get; init; } = ["fixed"];
}
