using System.Globalization;
using LlmStrategies.Evaluation;
using LlmStrategies.Retrieval.Hybrid;

namespace LlmStrategies.Tuning;

/// <summary>
/// The fusion chosen on labelled queries by <see cref="HybridFusionTuner"/>, frozen: the tuned retriever, the scores of
/// every setting, the untuned default and each retriever alone on those queries. Its one look at held-out queries is
/// <see cref="EvaluateOnTestAsync"/>.
/// </summary>
public sealed class HybridFusionTuning
{
    private readonly HybridFusionTuner _tuner;
    private readonly HybridRetriever _hybrid;
    private readonly EvaluationDataset _train;
    private readonly FusionSetting _chosen;
    private readonly FusionSetting _untuned;
    private readonly double[] _chosenScores;
    private readonly double[] _untunedScores;
    private readonly (string Name, double[] Scores)[] _singles;
    private int _testEvaluated;

    internal HybridFusionTuning(
        HybridFusionTuner tuner,
        HybridRetriever hybrid,
        EvaluationDataset train,
        FusionSetting chosen,
        double[] chosenScores,
        FusionSetting untuned,
        double[] untunedScores,
        (string Name, double[] Scores)[] singles,
        IReadOnlyList<FusionCandidateScore> candidates,
        int skippedQueries)
    {
        _tuner = tuner;
        _hybrid = hybrid;
        _train = train;
        _chosen = chosen;
        _untuned = untuned;
        _chosenScores = chosenScores;
        _untunedScores = untunedScores;
        _singles = singles;
        Candidates = candidates;
        SkippedQueries = skippedQueries;
        var options = hybrid.Options;
        options.Method = chosen.Method;
        options.RrfK = chosen.RrfK;
        Retriever = hybrid.WithFusion(options, chosen.Weights);
    }

    /// <summary>Gets the tuned retriever: the hybrid's retrievers with the chosen method and weights.</summary>
    public HybridRetriever Retriever { get; }

    /// <summary>Gets the chosen fusion method.</summary>
    public FusionMethod Method => _chosen.Method;

    /// <summary>Gets the chosen weights, one per retriever (the first 1).</summary>
    public IReadOnlyList<double> Weights => _chosen.Weights;

    /// <summary>Gets the metric's name, "nDCG@k".</summary>
    public string MetricName => string.Create(CultureInfo.InvariantCulture, $"nDCG@{_tuner.Search.K}");

    /// <summary>Gets the chosen fusion's mean metric on the labelled queries (optimistic: it was chosen there).</summary>
    public double TrainScore => _chosenScores.Average();

    /// <summary>Gets the untuned default's (the hybrid's own settings) mean on the labelled queries.</summary>
    public double UntunedTrainScore => _untunedScores.Average();

    /// <summary>Gets each retriever alone: its mean on the labelled queries.</summary>
    public IReadOnlyDictionary<string, double> SingleRetrieverTrainScores => _singles.ToDictionary(s => s.Name, s => s.Scores.Average(), StringComparer.Ordinal);

    /// <summary>Gets the retriever that is best alone on the labelled queries (the one the hold-out report names "best single").</summary>
    public string BestSingleRetriever => _singles.Select((s, i) => (s.Name, Mean: s.Scores.Average(), i)).OrderByDescending(s => s.Mean).ThenBy(s => s.i).First().Name;

    /// <summary>Gets every setting's score, best first.</summary>
    public IReadOnlyList<FusionCandidateScore> Candidates { get; }

    /// <summary>Gets the labelled queries skipped because they judge no document relevant.</summary>
    public int SkippedQueries { get; }

    /// <summary>Gets a value indicating whether the held-out queries have been evaluated (they may be, once).</summary>
    public bool TestEvaluated => Volatile.Read(ref _testEvaluated) == 1;

    /// <summary>
    /// The one evaluation on held-out queries: the tuned fusion, the untuned default and each retriever alone, with
    /// confidence intervals, paired comparisons (tuned against the default and against each single retriever) and the
    /// shrinkage of the train gain on test. Allowed once; queries the tuner saw are refused.
    /// </summary>
    /// <param name="test">Held-out labelled queries (the test split).</param>
    /// <param name="cancellationToken">Cancels the retrieval.</param>
    /// <returns>The report (kind <see cref="TuningReport.HybridFusionKind"/>; the selection split is the train split).</returns>
    /// <exception cref="InvalidOperationException">The held-out queries were already evaluated.</exception>
    /// <exception cref="ArgumentException">The test set overlaps the labelled queries, or judges nothing relevant.</exception>
    public async Task<TuningReport> EvaluateOnTestAsync(EvaluationDataset test, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(test);
        HoldOutChecks.CheckTestSet(test, _train.Items.Select(i => i.Id).ToHashSet(StringComparer.Ordinal), null);
        if (Interlocked.Exchange(ref _testEvaluated, 1) == 1)
        {
            throw new InvalidOperationException("These held-out queries were already evaluated once for this fusion tuning; report that evaluation, or tune again and hold out new queries.");
        }

        try
        {
            var (tuned, untuned, singles, skipped) = await _tuner.ScoreHeldOutAsync(_hybrid, test, _chosen, _untuned, cancellationToken).ConfigureAwait(false);
            var search = _tuner.Search;
            var best = BestSingleRetriever;
            var notes = new List<string>
            {
                $"Retrieval only: no model was called. {MetricName} judges the retrieved chunks' source documents against the queries' relevance judgements.",
                string.Create(CultureInfo.InvariantCulture, $"Chosen on the train split's {_chosenScores.Length} judged queries ({SkippedQueries} without a relevant document skipped); test: {tuned.Length} judged queries ({skipped} skipped)."),
                $"Best single retriever on the train split: {best} ({SingleRetrieverTrainScores[best].ToString("F4", CultureInfo.InvariantCulture)}); every retriever alone is a reference on test.",
                $"Untuned default: the hybrid's own settings ({_untuned}).",
            };
            return TuningReport.Create(new TuningReportInputs
            {
                Name = search.Name,
                Kind = TuningReport.HybridFusionKind,
                Metric = MetricName,
                CompletedAt = (search.TimeProvider ?? TimeProvider.System).GetUtcNow(),
                Settings = new TuningReportSettings { ConfidenceLevel = search.ConfidenceLevel, Alpha = search.Alpha, Resamples = search.Resamples, Seed = search.Seed },
                Search = new TuningSearchSummary
                {
                    Method = "Grid",
                    Candidates = Candidates.Count,
                    PointsSearched = Candidates.Count,
                    Rounds = [new SearchRound(0, _chosenScores.Length, Candidates.Count, 1, 0, 0, 0)],
                    UncachedRuns = 0,
                    Cost = 0,
                    Currency = "-",
                    Estimate = "no model calls (retrieval only)",
                },
                Train = SplitSummary.Of(_train),
                Selection = SplitSummary.Of(_train),
                Test = SplitSummary.Of(test),
                Chosen = new ConfigurationOutcome("tuned fusion", _chosen.Describe(_hybrid), FingerprintOf(Retriever), _chosenScores, tuned),
                Baseline = new ConfigurationOutcome("untuned default", _untuned.Describe(_hybrid), FingerprintOf(_hybrid), _untunedScores, untuned),
                References = singles.Select(s => new ReferenceOutcome(s.Name + " alone" + (s.Name == best ? " (best single on train)" : string.Empty), null, s.Scores)).ToArray(),
                Leaderboard = Candidates.Select(c => new LeaderboardEntry
                {
                    Point = new FusionSetting(c.Method, c.RrfK, c.Weights).ToString(),
                    Fingerprint = string.Empty,
                    Mean = c.Mean,
                    Items = _chosenScores.Length,
                    EliminatedInRound = c.Method == _chosen.Method && c.RrfK == _chosen.RrfK && c.Weights.SequenceEqual(_chosen.Weights) ? null : 0,
                }).ToArray(),
                Notes = notes,
            });
        }
        catch
        {
            Volatile.Write(ref _testEvaluated, 0);
            throw;
        }
    }

    private static string FingerprintOf(HybridRetriever retriever) => new FingerprintBuilder().AddComponent("retriever", retriever).Build().Value;
}
