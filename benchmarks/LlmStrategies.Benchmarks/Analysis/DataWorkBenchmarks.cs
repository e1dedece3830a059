using BenchmarkDotNet.Attributes;
using LlmStrategies.Embeddings.Local;
using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Analysis;
using LlmStrategies.Experiments;
using LlmStrategies.Prompting;

namespace LlmStrategies.Benchmarks.Analysis;

/// <summary>
/// Data work on the SQuAD part in ../shared (5,397 questions, 1,023 paragraphs), split 60/20/20 by article:
/// embedding the distinct questions with the local USE-Lite model (two threads) apart from the analysis, which gets the
/// same vectors from a table; the profile alone (o200k token counts, duplicates, answerability), the profile without
/// embeddings, and the whole analysis of a real offline ladder run (prompt-only, RAG over BM25, RAG over vectors,
/// answered by the extractive baseline) on the 1,000-odd test questions.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, id: "Short5")]
public class DataWorkBenchmarks
{
    private EvaluationDataset _dataset = null!;
    private DatasetSplits _splits = null!;
    private ExperimentRun _run = null!;
    private LocalEmbeddingGenerator _model = null!;
    private PrecomputedEmbeddingGenerator _precomputed = null!;
    private string[] _distinctInputs = null!;
    private DataWorkOptions _options = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _dataset = AnalysisWorkloads.LoadSquad();
        _splits = AnalysisWorkloads.Split(_dataset);
        _model = new LocalEmbeddingGenerator(new LocalEmbeddingOptions { ModelDirectory = FewShot.BenchmarkModel.Directory(), MaxDegreeOfParallelism = 2, AutoDownload = false });
        _run = await AnalysisWorkloads.RunLadderAsync(_dataset, _splits.Test, _model);
        _distinctInputs = new ProfiledItems(_dataset, _splits).DistinctTexts.ToArray();
        _precomputed = await PrecomputedEmbeddingGenerator.CreateAsync(_model, _distinctInputs);
        _options = new DataWorkOptions { Tokenizer = PromptTokenizers.O200kBase, TokenizerName = "o200k_base", MaxDegreeOfParallelism = 2 };
        await Profile(); // loads the o200k tables once
    }

    [GlobalCleanup]
    public void Cleanup() => _model.Dispose();

    /// <summary>The embedding part alone: every distinct question through the model, in the profile's batches.</summary>
    [Benchmark]
    public async Task<int> EmbedQuestions() => (await TextEmbeddings.CreateAsync(_model, _distinctInputs, _options.EmbeddingBatchSize, CancellationToken.None)).Count;

    /// <summary>The profile with precomputed vectors: token counts, exact and near duplicates (flat SIMD kNN), answerability, gaps.</summary>
    [Benchmark]
    public Task<DatasetProfile> Profile() => DataWork.ProfileAsync(_dataset, _splits, _options, _precomputed);

    /// <summary>The profile without embeddings (exact duplicates only).</summary>
    [Benchmark]
    public Task<DatasetProfile> ProfileWithoutEmbeddings() => DataWork.ProfileAsync(_dataset, _splits, _options);

    /// <summary>Profile + failure analysis (3 rungs, slices with 10,000 permutations each, attribution, clusters) + findings, precomputed vectors.</summary>
    [Benchmark]
    public Task<DataWorkReport> AnalyzeRun() => DataWork.AnalyzeAsync(_dataset, _splits, _run, _options, _precomputed);
}
