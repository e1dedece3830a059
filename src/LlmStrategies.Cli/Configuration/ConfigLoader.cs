using System.Globalization;
using LlmStrategies.Cli.Running;
using LlmStrategies.Tuning;

namespace LlmStrategies.Cli.Configuration;

/// <summary>
/// Loads and validates a config file (YAML, or JSON by the .json extension) completely before any work: every problem
/// is collected as a <see cref="ConfigError"/> with its line, column and fix, and all are thrown together.
/// </summary>
internal static class ConfigLoader
{
    public const string DefaultInstructions = "Answer the question in one short sentence. When context is given, use only the context and cite it like [1].";

    private static readonly string[] TopLevelKeys = ["version", "name", "seed", "output", "dataset", "models", "instructions", "strategies", "evaluators", "primaryMetric", "run", "gate", "tune"];

    public static CliConfig Load(string path, Func<string, string?>? environment = null)
    {
        var full = Path.GetFullPath(path);
        if (!System.IO.File.Exists(full))
        {
            throw new ConfigException([new ConfigError(path, new SourcePosition(1, 1), "the config file does not exist.", "pass the right path with -c, or run 'llmstrategies init' to create llmstrategies.yaml here.")]);
        }

        var text = System.IO.File.ReadAllText(full);
        var root = Path.GetExtension(full).Equals(".json", StringComparison.OrdinalIgnoreCase) ? JsonConfigReader.Read(text, path) : YamlConfigReader.Read(text, path);
        return Bind(root, path, Path.GetDirectoryName(full)!, environment ?? Environment.GetEnvironmentVariable);
    }

    internal static CliConfig Bind(ConfigNode root, string file, string directory, Func<string, string?> environment)
    {
        var r = new ConfigNodeReader(file);
        if (root is not ConfigMap map)
        {
            throw new ConfigException([new ConfigError(file, root.Position, $"the config must be a mapping of settings, not {root.Kind}.", "start from 'llmstrategies init', which writes a commented example.")]);
        }

        r.OnlyKeys(map, "the config", TopLevelKeys);
        _ = r.Int(map, "version", "config", 1, 1); // optional; 1 is the only version so far

        var name = r.String(map, "name", "config") ?? Path.GetFileNameWithoutExtension(file);
        var seed = r.Int(map, "seed", "config", int.MinValue) ?? 42;
        var output = Resolve(directory, r.String(map, "output", "config") ?? "llmstrategies-out");

        var dataset = BindDataset(r, map, directory);
        var models = BindModels(r, map, environment);
        var strategies = BindStrategies(r, map, directory);
        var (evaluators, primary) = BindEvaluators(r, map);
        var run = BindRun(r, map);
        var gate = BindGate(r, map, evaluators);
        var tune = BindTune(r, map, directory, output, models);

        // Cross-setting checks: what one setting needs from another.
        if (dataset is not null && strategies.Any(s => s.Rag is not null) && dataset.Corpus is null && dataset.Format is DatasetFormat.Jsonl or DatasetFormat.Csv)
        {
            r.Error(map["dataset"]!, "a strategy uses RAG, but the dataset has no corpus of documents to retrieve from.", "add 'corpus: documents.jsonl' (one {\"_id\": ..., \"text\": ...} per line) under dataset, or use a SQuAD or BEIR dataset, which bring their documents.");
        }

        if (dataset is not null && tune is not null && tune.Space.Strategy.Any(s => s.Contains("rag", StringComparison.Ordinal)) && dataset.Corpus is null && dataset.Format is DatasetFormat.Jsonl or DatasetFormat.Csv)
        {
            r.Error(map["tune"]!, "tune.space.strategy includes RAG, but the dataset has no corpus of documents to retrieve from.", "add 'corpus: documents.jsonl' under dataset, or drop rag and few-shot+rag from tune.space.strategy.");
        }

        if (run.Budget is not null)
        {
            foreach (var m in models.Where(m => m.Provider == ProviderKind.OpenAI && m.Price is null))
            {
                r.Error(map["run"]!, $"a budget is set, but model '{m.Name}' has no price, so its spending cannot be counted.", $"add 'price: {{ input: ..., cachedInput: ..., output: ... }}' (per one million tokens) to model '{m.Name}', or remove run.budget.");
            }
        }

        if (r.Errors.Count > 0)
        {
            throw new ConfigException(r.Errors);
        }

        return new CliConfig
        {
            File = Path.GetFullPath(Path.Combine(directory, Path.GetFileName(file))),
            Name = name,
            Seed = seed,
            Output = output,
            Dataset = dataset!,
            Models = models,
            Strategies = strategies,
            Instructions = r.String(map, "instructions", "config") ?? DefaultInstructions,
            Evaluators = evaluators,
            PrimaryMetric = primary!,
            Run = run,
            Gate = gate,
            Tune = tune,
        };
    }

    private static DatasetConfig? BindDataset(ConfigNodeReader r, ConfigMap root, string directory)
    {
        if (root["dataset"] is null)
        {
            r.Error(root.Position, "the config has no dataset.", "add 'dataset:' with 'path: questions.jsonl' (JSONL, CSV, SQuAD .json or a BEIR folder).");
            return null;
        }

        var map = r.Map(root["dataset"], "dataset");
        if (map is null)
        {
            return null;
        }

        r.OnlyKeys(map, "dataset", "path", "format", "corpus", "split", "sample");
        var path = r.String(map, "path", "dataset", required: true, "add 'path: questions.jsonl' under dataset (relative to the config file).");
        var format = (DatasetFormat)(r.Choice(map, "format", "dataset", "auto", "jsonl", "csv", "squad", "beir") ?? 0);
        var full = path is null ? string.Empty : Resolve(directory, path);
        if (path is not null)
        {
            if (!System.IO.File.Exists(full) && !Directory.Exists(full))
            {
                r.Error(map["path"]!, $"the dataset '{path}' does not exist (looked for {full}).", "fix the path; relative paths are relative to the config file's folder.");
            }
            else if (format == DatasetFormat.Auto)
            {
                format = Directory.Exists(full) ? DatasetFormat.Beir : Path.GetExtension(full).ToUpperInvariant() switch
                {
                    ".JSONL" => DatasetFormat.Jsonl,
                    ".CSV" => DatasetFormat.Csv,
                    ".JSON" => DatasetFormat.Squad,
                    _ => DatasetFormat.Auto,
                };
                if (format == DatasetFormat.Auto)
                {
                    r.Error(map["path"]!, $"cannot tell the format of '{path}' from its extension.", "add 'format: jsonl' (or csv, squad, beir) under dataset.");
                }
            }
        }

        var corpus = r.String(map, "corpus", "dataset");
        string? corpusFull = null;
        if (corpus is not null)
        {
            corpusFull = Resolve(directory, corpus);
            if (!System.IO.File.Exists(corpusFull))
            {
                r.Error(map["corpus"]!, $"the corpus '{corpus}' does not exist (looked for {corpusFull}).", "fix the path; relative paths are relative to the config file's folder.");
            }
        }

        double train = 0.6, dev = 0.2, test = 0.2;
        string? groupBy = null;
        var split = r.Map(map["split"], "dataset.split");
        if (split is not null)
        {
            r.OnlyKeys(split, "dataset.split", "train", "dev", "test", "groupBy");
            train = r.Double(split, "train", "dataset.split", 0, 1) ?? train;
            dev = r.Double(split, "dev", "dataset.split", 0, 1) ?? dev;
            test = r.Double(split, "test", "dataset.split", 0, 1) ?? test;
            groupBy = r.String(split, "groupBy", "dataset.split");
            if (test <= 0)
            {
                r.Error(split, "dataset.split.test is 0, so nothing would be scored.", "give the test split a share, such as 'test: 0.2'.");
            }

            if (train + dev + test > 1.0 + 1e-9)
            {
                r.Error(split, string.Create(CultureInfo.InvariantCulture, $"the split shares add up to {train + dev + test:0.###}, more than 1."), "make train + dev + test at most 1 (for example 0.6, 0.2, 0.2).");
            }
        }

        var sample = r.Int(map, "sample", "dataset", 1);
        return new DatasetConfig { Path = full, Format = format, Corpus = corpusFull, Train = train, Dev = dev, Test = test, GroupBy = groupBy, Sample = sample };
    }

    private static List<ModelConfig> BindModels(ConfigNodeReader r, ConfigMap root, Func<string, string?> environment)
    {
        var models = new List<ModelConfig>();
        var nodes = r.Sequence(root, "models", "config", required: false, string.Empty);
        if (nodes is null)
        {
            models.Add(new ModelConfig { Name = "baseline", Provider = ProviderKind.Baseline });
            return models;
        }

        if (nodes.Count == 0)
        {
            r.Error(root["models"]!, "models is an empty list.", "add at least one model, such as '- { name: baseline, provider: baseline }'.");
        }

        foreach (var node in nodes)
        {
            var map = r.Map(node, "a model");
            if (map is null)
            {
                if (node is ConfigScalar { Value: null })
                {
                    r.Error(node, "a model entry is empty.", "write '- name: ...' with a provider.");
                }

                continue;
            }

            r.OnlyKeys(map, "a model", "name", "provider", "model", "endpoint", "apiKeyEnv", "price");
            var provider = (ProviderKind)(r.Choice(map, "provider", "model", "baseline", "openai", "ollama") ?? 0);
            var modelId = r.String(map, "model", "model", required: provider != ProviderKind.Baseline, $"add 'model: ...' (the {provider} model id, such as gpt-4o-mini or llama3.2).");
            var name = r.String(map, "name", "model") ?? modelId ?? "baseline";
            if (models.Any(m => m.Name == name))
            {
                r.Error(map, $"two models are named '{name}'.", "give each model a distinct 'name'.");
            }

            Uri? endpoint = null;
            var endpointText = r.String(map, "endpoint", "model");
            if (endpointText is not null && (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
            {
                r.Error(map["endpoint"]!, $"endpoint '{endpointText}' is not an http(s) URL.", "write the full URL, such as http://localhost:11434 or https://api.openai.com/v1.");
                endpoint = null;
            }

            var apiKeyEnv = r.String(map, "apiKeyEnv", "model") ?? "OPENAI_API_KEY";
            if (provider == ProviderKind.OpenAI && string.IsNullOrEmpty(environment(apiKeyEnv)))
            {
                r.Error(map, $"model '{name}' uses an OpenAI-compatible endpoint, but the environment variable {apiKeyEnv} that holds its API key is not set.", $"export {apiKeyEnv}=... (any non-empty value, such as 'none', for local endpoints that take no key), or name another variable with apiKeyEnv.");
            }

            PriceConfig? price = null;
            var priceMap = r.Map(map["price"], "model.price");
            if (priceMap is not null)
            {
                r.OnlyKeys(priceMap, "model.price", "input", "cachedInput", "output");
                var input = r.Decimal(priceMap, "input", "price");
                var output = r.Decimal(priceMap, "output", "price");
                if (input is null || output is null)
                {
                    r.Error(priceMap, "a price needs both input and output (per one million tokens).", "write 'price: { input: 0.15, output: 0.60 }'.");
                }

                price = new PriceConfig(input ?? 0, r.Decimal(priceMap, "cachedInput", "price") ?? input ?? 0, output ?? 0);
            }

            models.Add(new ModelConfig { Name = name, Provider = provider, Model = modelId, Endpoint = endpoint, ApiKeyEnv = apiKeyEnv, Price = price });
        }

        return models;
    }

    private static List<StrategyConfig> BindStrategies(ConfigNodeReader r, ConfigMap root, string directory)
    {
        var strategies = new List<StrategyConfig>();
        var nodes = r.Sequence(root, "strategies", "config", required: true, "add 'strategies:' with at least '- name: prompt-only'.");
        if (nodes is null)
        {
            return strategies;
        }

        if (nodes.Count == 0)
        {
            r.Error(root["strategies"]!, "strategies is an empty list.", "add at least '- name: prompt-only'.");
        }

        foreach (var node in nodes)
        {
            var map = r.Map(node, "a strategy");
            if (map is null)
            {
                continue;
            }

            r.OnlyKeys(map, "a strategy", "name", "fewShot", "rag", "tuned");
            var name = r.String(map, "name", "strategy", required: true, "give the strategy a 'name:' (it names the rung in reports).");
            if (name is not null && strategies.Any(s => s.Name == name))
            {
                r.Error(map["name"]!, $"two strategies are named '{name}'.", "give each strategy a distinct name.");
            }

            FewShotConfig? fewShot = null;
            var fewShotMap = r.Map(map["fewShot"], "fewShot");
            if (fewShotMap is not null)
            {
                r.OnlyKeys(fewShotMap, "fewShot", "examples", "selector");
                fewShot = new FewShotConfig(r.Int(fewShotMap, "examples", "fewShot", 1, 100) ?? 3, (SelectorKind)(r.Choice(fewShotMap, "selector", "fewShot", "fixed", "random", "lexical", "semantic", "mmr") ?? 0));
            }

            RagConfig? rag = null;
            var ragMap = r.Map(map["rag"], "rag");
            if (ragMap is not null)
            {
                r.OnlyKeys(ragMap, "rag", "retriever", "top");
                rag = new RagConfig((RetrieverKind)(r.Choice(ragMap, "retriever", "rag", "bm25", "vector", "hybrid") ?? 0), r.Int(ragMap, "top", "rag", 1, 100) ?? 3);
            }

            var tuned = r.String(map, "tuned", "strategy");
            string? tunedFull = null;
            if (tuned is not null)
            {
                tunedFull = Resolve(directory, tuned);
                if (fewShot is not null || rag is not null)
                {
                    r.Error(map["tuned"]!, $"strategy '{name}' sets 'tuned' together with fewShot or rag; a tuned configuration sets those itself.", "remove fewShot and rag from this strategy, or remove 'tuned'.");
                }

                if (!System.IO.File.Exists(tunedFull))
                {
                    r.Error(map["tuned"]!, $"the tuned configuration '{tuned}' does not exist (looked for {tunedFull}).", "run 'llmstrategies tune -c <config>' first (it writes the file named by tune.output), or fix the path.");
                }
                else
                {
                    try
                    {
                        var space = TunedConfiguration.Load(tunedFull).Space;
                        string[] expected = [RungSpace.Strategy, RungSpace.Retriever, RungSpace.Top, RungSpace.Examples, RungSpace.Selector];
                        if (!expected.All(p => space.Parameters.Any(x => x.Name == p)))
                        {
                            r.Error(map["tuned"]!, $"'{tuned}' was not written by 'llmstrategies tune' (its settings are {string.Join(", ", space.Parameters.Select(x => x.Name))}).", "point 'tuned' at a file written by 'llmstrategies tune'.");
                        }
                    }
                    catch (TuningFileException ex)
                    {
                        r.Error(map["tuned"]!, $"the tuned configuration '{tuned}' cannot be read: {ex.Message}", "run 'llmstrategies tune' again to rewrite it.");
                    }
                }
            }

            strategies.Add(new StrategyConfig { Name = name ?? "?", FewShot = fewShot, Rag = rag, Tuned = tunedFull });
        }

        return strategies;
    }

    private static (List<string> Evaluators, string? Primary) BindEvaluators(ConfigNodeReader r, ConfigMap root)
    {
        var evaluators = new List<string>();
        var list = r.ScalarList(root, "evaluators", "config");
        foreach (var scalar in list ?? [])
        {
            var id = EvaluatorCatalog.Normalise(scalar.Value!);
            if (id is null)
            {
                r.Error(scalar, $"unknown evaluator '{scalar.Value}'.", $"use one of: {string.Join(", ", EvaluatorCatalog.Names)} (retrieval@k sets k, default 3).");
            }
            else if (!evaluators.Contains(id))
            {
                evaluators.Add(id);
            }
        }

        if (list is null)
        {
            evaluators.AddRange(EvaluatorCatalog.Defaults);
        }

        var metrics = evaluators.SelectMany(EvaluatorCatalog.MetricNames).ToArray();
        var primaryText = r.String(root, "primaryMetric", "config");
        if (primaryText is null)
        {
            return (evaluators, metrics.FirstOrDefault() ?? "Contains Answer");
        }

        var primary = ResolveMetric(primaryText, metrics);
        if (primary is null)
        {
            r.Error(root["primaryMetric"]!, $"primaryMetric '{primaryText}' is not a metric of the configured evaluators.", $"use one of: {string.Join(", ", metrics.Select(m => $"'{m}'"))}, or add the evaluator that reports it.");
        }

        return (evaluators, primary);
    }

    /// <summary>Matches a metric name case-insensitively, ignoring spaces and dashes ("squad-f1" finds "SQuAD F1").</summary>
    internal static string? ResolveMetric(string text, IEnumerable<string> metrics)
    {
        static string Key(string s) => new([.. s.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant)]);
        return metrics.FirstOrDefault(m => Key(m) == Key(text));
    }

    private static RunConfig BindRun(ConfigNodeReader r, ConfigMap root)
    {
        var map = r.Map(root["run"], "run");
        if (map is null)
        {
            return new RunConfig();
        }

        r.OnlyKeys(map, "run", "budget", "currency", "parallelism", "repeats", "requestsPerSecond", "cache", "resamples");
        return new RunConfig
        {
            Budget = r.Decimal(map, "budget", "run"),
            Currency = r.String(map, "currency", "run") ?? "USD",
            Parallelism = r.Int(map, "parallelism", "run", 1, 256) ?? 4,
            Repeats = r.Int(map, "repeats", "run", 1, 100) ?? 1,
            RequestsPerSecond = r.Double(map, "requestsPerSecond", "run", 0.001, 10_000),
            Cache = r.Bool(map, "cache", "run") ?? true,
            Resamples = r.Int(map, "resamples", "run", 100, 1_000_000) ?? 10_000,
        };
    }

    private static GateConfig BindGate(ConfigNodeReader r, ConfigMap root, List<string> evaluators)
    {
        var map = r.Map(root["gate"], "gate");
        if (map is null)
        {
            return new GateConfig();
        }

        r.OnlyKeys(map, "gate", "metrics", "tolerance", "alpha", "itemPassScore");
        var known = evaluators.SelectMany(EvaluatorCatalog.MetricNames).ToArray();
        var metrics = new List<string>();
        foreach (var scalar in r.ScalarList(map, "metrics", "gate") ?? [])
        {
            var metric = ResolveMetric(scalar.Value!, known);
            if (metric is null)
            {
                r.Error(scalar, $"gate metric '{scalar.Value}' is not a metric of the configured evaluators.", $"use one of: {string.Join(", ", known.Select(m => $"'{m}'"))}.");
            }
            else
            {
                metrics.Add(metric);
            }
        }

        return new GateConfig
        {
            Metrics = metrics,
            Tolerance = r.Double(map, "tolerance", "gate", 0, 1) ?? 0.01,
            Alpha = r.Double(map, "alpha", "gate", 1e-6, 0.5) ?? 0.05,
            ItemPassScore = r.Double(map, "itemPassScore", "gate", 0, double.MaxValue) ?? 0.5,
        };
    }

    private static TuneConfig? BindTune(ConfigNodeReader r, ConfigMap root, string directory, string output, List<ModelConfig> models)
    {
        var map = r.Map(root["tune"], "tune");
        if (map is null)
        {
            return null;
        }

        r.OnlyKeys(map, "tune", "output", "model", "method", "samples", "space");
        var model = r.String(map, "model", "tune");
        if (model is not null && models.Count > 0 && models.All(m => m.Name != model))
        {
            r.Error(map["model"]!, $"tune.model '{model}' is not one of the models.", $"use one of: {string.Join(", ", models.Select(m => m.Name))}.");
        }

        var method = (r.Choice(map, "method", "tune", "grid", "random", "halving") ?? 0) switch { 1 => "random", 2 => "halving", _ => "grid" };
        var samples = r.Int(map, "samples", "tune", 1);
        if (method == "random" && samples is null)
        {
            r.Error(map["method"]!, "tune.method is random, but tune.samples (how many configurations to draw) is not set.", "add 'samples: 10' under tune.");
        }

        var space = new TuneSpaceConfig();
        var spaceMap = r.Map(map["space"], "tune.space");
        if (spaceMap is not null)
        {
            r.OnlyKeys(spaceMap, "tune.space", "strategy", "retriever", "top", "examples", "selector");
            space = new TuneSpaceConfig
            {
                Strategy = Words(r, spaceMap, "strategy", space.Strategy, "prompt-only", "few-shot", "rag", "few-shot+rag"),
                Retriever = Words(r, spaceMap, "retriever", space.Retriever, "bm25", "vector", "hybrid"),
                Selector = Words(r, spaceMap, "selector", space.Selector, "fixed", "random", "lexical", "semantic", "mmr"),
                Top = Numbers(r, spaceMap, "top", space.Top),
                Examples = Numbers(r, spaceMap, "examples", space.Examples),
            };
        }

        return new TuneConfig
        {
            Output = Resolve(directory, r.String(map, "output", "tune") ?? Path.Combine(output, "tuned.json")),
            Model = model ?? (models.Count > 0 ? models[0].Name : "baseline"),
            Method = method,
            Samples = samples,
            Space = space,
        };
    }

    private static IReadOnlyList<string> Words(ConfigNodeReader r, ConfigMap map, string key, IReadOnlyList<string> fallback, params string[] allowed)
    {
        var list = r.ScalarList(map, key, "tune.space");
        if (list is null)
        {
            return fallback;
        }

        var words = new List<string>();
        foreach (var s in list)
        {
            var word = s.Value!.ToLowerInvariant();
            if (!allowed.Contains(word, StringComparer.Ordinal))
            {
                r.Error(s, $"tune.space.{key} value '{s.Value}' is not one of {string.Join(", ", allowed)}.", $"use values from: {string.Join(", ", allowed)}.");
            }
            else if (!words.Contains(word))
            {
                words.Add(word);
            }
        }

        if (words.Count == 0)
        {
            r.Error(map[key]!, $"tune.space.{key} has no values.", "list at least one value.");
        }

        return words;
    }

    private static IReadOnlyList<int> Numbers(ConfigNodeReader r, ConfigMap map, string key, IReadOnlyList<int> fallback)
    {
        var list = r.ScalarList(map, key, "tune.space");
        if (list is null)
        {
            return fallback;
        }

        var numbers = new List<int>();
        foreach (var s in list)
        {
            if (int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 100)
            {
                if (!numbers.Contains(n))
                {
                    numbers.Add(n);
                }
            }
            else
            {
                r.Error(s, $"tune.space.{key} value '{s.Value}' is not a whole number from 1 to 100.", "write whole numbers, such as [1, 3, 5].");
            }
        }

        if (numbers.Count == 0)
        {
            r.Error(map[key]!, $"tune.space.{key} has no values.", "list at least one value.");
        }

        return numbers;
    }

    private static string Resolve(string directory, string path) => Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(directory, path));
}
