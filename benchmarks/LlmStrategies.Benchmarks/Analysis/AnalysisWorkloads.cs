using System.Diagnostics;
using LlmStrategies.Baseline;
using LlmStrategies.Benchmarks.Retrieval;
using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Pipeline;
using LlmStrategies.Retrieval.Chunking;
using LlmStrategies.Retrieval.Keyword;
using LlmStrategies.Retrieval.Vector;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Benchmarks.Analysis;

/// <summary>The data the analysis benchmarks and commands share: the SQuAD part, its split, and a real offline ladder run on it.</summary>
internal static class AnalysisWorkloads
{
    public const int Seed = 42;

    public static EvaluationDataset LoadSquad() => DatasetLoader.LoadSquad(SquadRetrievalSet.FindShared("data/squad/squad-v1.1-dev-part-a.json"));

    /// <summary>60/20/20 by article, seed 42 (the ladder sample's proportions).</summary>
    public static DatasetSplits Split(EvaluationDataset dataset) =>
        DatasetSplitter.Split(dataset, new SplitOptions { Seed = Seed, TrainFraction = 0.6, DevFraction = 0.2, TestFraction = 0.2, GroupBy = "article" }).Apply(dataset);

    /// <summary>
    /// The offline ladder on the test split: prompt-only, RAG over BM25 and (with embeddings) RAG over exact vector search,
    /// all answered by the extractive baseline (not a language model), scored with contains, SQuAD EM/F1 and retrieval metrics.
    /// </summary>
    public static async Task<ExperimentRun> RunLadderAsync(EvaluationDataset dataset, EvaluationDataset test, IEmbeddingGenerator<string, Embedding<float>>? embeddings)
    {
        var chunks = dataset.Corpus.SelectMany(new ParagraphChunker(4_000).Chunk).ToArray();
        var bm25Index = new Bm25Index();
        bm25Index.AddRange(chunks);
        var chat = new ExtractiveBaselineChatClient();
        var defaults = new StrategyPipelineOptions { Instructions = "Answer the question in one short sentence. When context is given, use only the context.", MaxRepairAttempts = 0 };
        var strategies = new List<ExperimentStrategy>
        {
            new(new StrategyPipelineBuilder("prompt-only", chat, defaults).Build(), ExtractiveBaselineChatClient.ModelIdentifier),
            new(new StrategyPipelineBuilder("rag-bm25", chat, defaults).UseRetrievalAugmentation(new KeywordRetriever(bm25Index), 3).Build(), ExtractiveBaselineChatClient.ModelIdentifier),
        };
        VectorRetriever? vector = null;
        if (embeddings is not null)
        {
            vector = new VectorRetriever(embeddings);
            await vector.AddAsync(chunks);
            strategies.Add(new(new StrategyPipelineBuilder("rag-vector", chat, defaults).UseRetrievalAugmentation(vector, 3).Build(), ExtractiveBaselineChatClient.ModelIdentifier));
        }

        var prices = new PriceTable("USD").Set(ExtractiveBaselineChatClient.ModelIdentifier, new ModelPrice(0, 0, 0));
        var runner = new ExperimentRunner(new ExperimentOptions { Name = "squad-ladder", MaxDegreeOfParallelism = Environment.ProcessorCount }, prices);
        IEvaluator[] evaluators = [new ContainsEvaluator(), new SquadEvaluator(), new RetrievalEvaluator(k: 3)];
        var run = await runner.RunAsync(strategies, test, evaluators);
        vector?.Dispose();
        bm25Index.Dispose();
        return run;
    }
}

/// <summary>An embedding generator that answers from vectors computed before (unknown texts fail), so a benchmark times the analysis alone.</summary>
internal sealed class PrecomputedEmbeddingGenerator(Dictionary<string, float[]> vectors) : IEmbeddingGenerator<string, Embedding<float>>
{
    public static async Task<PrecomputedEmbeddingGenerator> CreateAsync(IEmbeddingGenerator<string, Embedding<float>> inner, IEnumerable<string> texts)
    {
        var distinct = texts.Distinct(StringComparer.Ordinal).ToArray();
        var table = new Dictionary<string, float[]>(distinct.Length, StringComparer.Ordinal);
        foreach (var batch in distinct.Chunk(256))
        {
            var embeddings = await inner.GenerateAsync(batch);
            for (var i = 0; i < batch.Length; i++)
            {
                table[batch[i]] = embeddings[i].Vector.ToArray();
            }
        }

        return new PrecomputedEmbeddingGenerator(table);
    }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(vectors.TryGetValue(v, out var vector) ? vector : throw new InvalidOperationException($"No precomputed embedding for '{v}'.")))));

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

/// <summary>Times the calls to an embedding generator, so embedding time can be reported apart from the analysis around it.</summary>
internal sealed class TimedEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner) : IEmbeddingGenerator<string, Embedding<float>>
{
    private long _ticks;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks));

    public int Texts { get; private set; }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = values as IReadOnlyCollection<string> ?? values.ToArray();
        var start = Stopwatch.GetTimestamp();
        var result = await inner.GenerateAsync(list, options, cancellationToken);
        Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - start);
        Texts += list.Count;
        return result;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    public void Dispose()
    {
    }
}
