using LlmStrategies.Baseline;
using LlmStrategies.Cli.Configuration;
using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Pipeline;
using LlmStrategies.Providers;
using LlmStrategies.Tuning;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Cli.Running;

/// <summary>
/// What <c>eval</c> and <c>tune</c> share: the dataset (loaded, split by seed, the test split optionally sampled by
/// seed), the few-shot pool from the train split, the chat clients with their prices, and the shared components.
/// </summary>
internal sealed class ExperimentSetup : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    private ExperimentSetup(CliConfig config, EvaluationDataset dataset, DatasetSplits splits, EvaluationDataset test, SplitManifest manifest)
    {
        Config = config;
        Dataset = dataset;
        Splits = splits;
        Test = test;
        Manifest = manifest;
    }

    public CliConfig Config { get; }

    /// <summary>Gets the whole dataset (all splits, with its corpus).</summary>
    public EvaluationDataset Dataset { get; }

    public DatasetSplits Splits { get; }

    /// <summary>Gets the scored test items (the whole test split, or its seeded sample).</summary>
    public EvaluationDataset Test { get; }

    public SplitManifest Manifest { get; }

    public StrategyComponents Components { get; private set; } = null!;

    public Dictionary<string, (IChatClient Client, string ModelId)> Clients { get; } = new(StringComparer.Ordinal);

    public StrategyPipelineOptions Defaults => new() { Instructions = Config.Instructions, MaxRepairAttempts = 0 };

    /// <summary>Loads and splits the data. Data errors surface as <see cref="DatasetFormatException"/> or <see cref="ArgumentException"/>, before any model call.</summary>
    public static ExperimentSetup LoadData(CliConfig config)
    {
        var d = config.Dataset;
        var options = new DatasetLoadOptions { Name = config.Name };
        var dataset = d.Format switch
        {
            DatasetFormat.Jsonl => DatasetLoader.LoadJsonl(d.Path, options),
            DatasetFormat.Csv => DatasetLoader.LoadCsv(d.Path, options),
            DatasetFormat.Squad => DatasetLoader.LoadSquad(d.Path, options),
            DatasetFormat.Beir => DatasetLoader.LoadBeir(d.Path, options),
            _ => DatasetLoader.Load(d.Path, options),
        };
        if (d.Corpus is not null)
        {
            dataset = new EvaluationDataset(dataset.Name, dataset.Items, DatasetLoader.LoadCorpusJsonl(d.Corpus));
        }

        var groupBy = d.GroupBy ?? (d.Format == DatasetFormat.Squad && dataset.Items.All(i => i.Metadata.ContainsKey("article")) ? "article" : null);
        var manifest = DatasetSplitter.Split(dataset, new SplitOptions { Seed = config.Seed, TrainFraction = d.Train, DevFraction = d.Dev, TestFraction = d.Test, GroupBy = groupBy });
        var splits = manifest.Apply(dataset);
        var test = d.Sample is { } n && n < splits.Test.Items.Count ? DatasetSampler.Sample(splits.Test, n, config.Seed, groupBy) : splits.Test;
        return new ExperimentSetup(config, dataset, splits, test, manifest);
    }

    /// <summary>Builds the chat clients and the components the rungs (or the tuning space) need.</summary>
    public async Task BuildAsync(IEnumerable<ModelConfig> models, IReadOnlySet<RetrieverKind> retrievers, IReadOnlySet<SelectorKind> selectors, CancellationToken cancellationToken)
    {
        foreach (var model in models)
        {
            var client = ChatProviderFactory.Create(new ChatProviderOptions
            {
                Provider = model.Provider switch { ProviderKind.OpenAI => ChatProviderKind.OpenAI, ProviderKind.Ollama => ChatProviderKind.Ollama, _ => ChatProviderKind.Baseline },
                Model = model.Model,
                Endpoint = model.Endpoint,
                ApiKeyEnvironmentVariable = model.ApiKeyEnv,
            });
            _owned.Add(client);
            Clients[model.Name] = (client, ModelId(model));
        }

        var pool = Splits.Train.Items
            .Select(i => new FewShotExample { Id = i.Id, Input = i.Input, Output = i.ExpectedOutputs.Count > 0 ? i.ExpectedOutputs[0] : string.Empty, Label = i.Label })
            .ToArray();
        Components = await StrategyComponents.CreateAsync(Splits.Test.Corpus.Count > 0 ? Splits.Test.Corpus : Splits.Train.Corpus, pool, retrievers, selectors, Config.Seed, cancellationToken).ConfigureAwait(false);
        _owned.Add(Components);
    }

    public static string ModelId(ModelConfig model) => model.Provider == ProviderKind.Baseline ? ExtractiveBaselineChatClient.ModelIdentifier : model.Model!;

    /// <summary>The price table: the baseline and Ollama cost nothing unless priced; other models as configured.</summary>
    public PriceTable Prices()
    {
        var table = new PriceTable(Config.Run.Currency);
        foreach (var model in Config.Models)
        {
            if (model.Price is { } p)
            {
                table.Set(ModelId(model), new ModelPrice(p.Input, p.CachedInput, p.Output));
            }
            else if (model.Provider is ProviderKind.Baseline or ProviderKind.Ollama)
            {
                table.Set(ModelId(model), new ModelPrice(0, 0, 0));
            }
        }

        return table;
    }

    /// <summary>The grid: every strategy with every model; names get "@model" when there is more than one model.</summary>
    public IReadOnlyList<ExperimentStrategy> Strategies()
    {
        var entries = new List<ExperimentStrategy>();
        foreach (var model in Config.Models)
        {
            var (client, modelId) = Clients[model.Name];
            foreach (var s in Config.Strategies)
            {
                var name = Config.Models.Count > 1 ? $"{s.Name}@{model.Name}" : s.Name;
                StrategyPipeline pipeline;
                if (s.Tuned is not null)
                {
                    var tuned = TunedConfiguration.Load(s.Tuned);
                    var tunable = new TunableStrategy(tuned.Strategy, client, tuned.Space, (b, p) => RungSpace.Configure(b, p, Components), modelId, Defaults);
                    // The fingerprint check only holds for the model it was tuned with; other models reuse the tuned settings.
                    pipeline = tuned.Model == modelId ? tuned.Build(tunable, name) : tunable.Build(tuned.Point, name);
                }
                else
                {
                    var builder = new StrategyPipelineBuilder(name, client, Defaults);
                    if (s.FewShot is { } f)
                    {
                        builder.UseFewShot(Components.Selector(f.Selector, f.Examples), f.Examples);
                    }

                    if (s.Rag is { } rag)
                    {
                        builder.UseRetrievalAugmentation(Components.Retriever(rag.Retriever), rag.Top);
                    }

                    pipeline = builder.Build();
                }

                entries.Add(new ExperimentStrategy(pipeline, modelId));
            }
        }

        return entries;
    }

    /// <summary>The retrievers and selectors the configured rungs need (tuned rungs: whatever their stored point uses).</summary>
    public static (HashSet<RetrieverKind> Retrievers, HashSet<SelectorKind> Selectors) Needs(IEnumerable<StrategyConfig> strategies)
    {
        var retrievers = new HashSet<RetrieverKind>();
        var selectors = new HashSet<SelectorKind>();
        foreach (var s in strategies)
        {
            if (s.Rag is { } rag)
            {
                retrievers.Add(rag.Retriever);
            }

            if (s.FewShot is { } f)
            {
                selectors.Add(f.Selector);
            }

            if (s.Tuned is not null)
            {
                var tuned = TunedConfiguration.Load(s.Tuned);
                var kind = tuned.Point.GetString(RungSpace.Strategy);
                if (kind.Contains("rag", StringComparison.Ordinal))
                {
                    retrievers.Add(Enum.Parse<RetrieverKind>(tuned.Point.GetString(RungSpace.Retriever), ignoreCase: true));
                }

                if (kind.StartsWith("few-shot", StringComparison.Ordinal))
                {
                    selectors.Add(Enum.Parse<SelectorKind>(tuned.Point.GetString(RungSpace.Selector), ignoreCase: true));
                }
            }
        }

        return (retrievers, selectors);
    }

    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }
    }
}
