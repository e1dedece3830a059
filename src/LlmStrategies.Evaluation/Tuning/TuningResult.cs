using System.Globalization;
using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.FewShot;
using LlmStrategies.Pipeline;

namespace LlmStrategies.Tuning;

/// <summary>
/// The frozen outcome of a search: the configuration chosen on dev, the untuned default's dev score, every candidate's
/// score and what the search spent. Its only look at the test split is <see cref="EvaluateOnTestAsync"/>, allowed once.
/// </summary>
public sealed class TuningResult
{
    private readonly StrategyTuner _tuner;
    private readonly TuningData _data;
    private readonly EvaluationDataset _dev;
    private int _testEvaluated;

    internal TuningResult(
        StrategyTuner tuner,
        TunableStrategy strategy,
        TuningData data,
        SearchMethod method,
        SearchPoint chosen,
        StrategyPipeline chosenPipeline,
        IReadOnlyList<double> chosenDevScores,
        SearchPoint baseline,
        StrategyPipeline baselinePipeline,
        IReadOnlyList<double> baselineDevScores,
        IReadOnlyList<CandidateScore> candidates,
        IReadOnlyList<SearchRound> rounds,
        TuningEstimate estimate,
        int uncachedRuns,
        decimal spent,
        EvaluationDataset dev)
    {
        _tuner = tuner;
        _data = data;
        _dev = dev;
        Strategy = strategy;
        Method = method;
        Chosen = chosen;
        ChosenFingerprint = chosenPipeline.Fingerprint;
        ChosenConfiguration = chosenPipeline.FingerprintText;
        ChosenDevScores = chosenDevScores;
        Baseline = baseline;
        BaselineFingerprint = baselinePipeline.Fingerprint;
        BaselineDevScores = baselineDevScores;
        Candidates = candidates;
        Rounds = rounds;
        Estimate = estimate;
        UncachedRuns = uncachedRuns;
        Spent = spent;
    }

    /// <summary>Gets the tuned strategy.</summary>
    public TunableStrategy Strategy { get; }

    /// <summary>Gets the search method used.</summary>
    public SearchMethod Method { get; }

    /// <summary>Gets the configuration chosen on dev.</summary>
    public SearchPoint Chosen { get; }

    /// <summary>Gets the chosen strategy's fingerprint.</summary>
    public StrategyFingerprint ChosenFingerprint { get; }

    /// <summary>Gets the chosen strategy's canonical configuration text (what its fingerprint hashes).</summary>
    public string ChosenConfiguration { get; }

    /// <summary>Gets the chosen configuration's per-item scores on the whole dev split (a failed run is 0), in the search's dev order.</summary>
    public IReadOnlyList<double> ChosenDevScores { get; }

    /// <summary>Gets the chosen configuration's mean on dev.</summary>
    public double ChosenDevMean => ChosenDevScores.Average();

    /// <summary>Gets the untuned default configuration.</summary>
    public SearchPoint Baseline { get; }

    /// <summary>Gets the default's fingerprint.</summary>
    public StrategyFingerprint BaselineFingerprint { get; }

    /// <summary>Gets the default's per-item scores on dev, paired with <see cref="ChosenDevScores"/>.</summary>
    public IReadOnlyList<double> BaselineDevScores { get; }

    /// <summary>Gets the default's mean on dev.</summary>
    public double BaselineDevMean => BaselineDevScores.Average();

    /// <summary>Gets every candidate's score: the choice first, then by how far each got.</summary>
    public IReadOnlyList<CandidateScore> Candidates { get; }

    /// <summary>Gets the rounds of the search.</summary>
    public IReadOnlyList<SearchRound> Rounds { get; }

    /// <summary>Gets the pre-flight estimate of the search.</summary>
    public TuningEstimate Estimate { get; }

    /// <summary>Gets the runs of the search that were not served from the response cache.</summary>
    public int UncachedRuns { get; }

    /// <summary>Gets what the search spent.</summary>
    public decimal Spent { get; }

    /// <summary>Gets a value indicating whether the test split has been evaluated (it may be, once).</summary>
    public bool TestEvaluated => Volatile.Read(ref _testEvaluated) == 1;

    /// <summary>The chosen configuration as a file to save, deploy and rebuild (<see cref="TunedConfiguration.Build"/>).</summary>
    /// <param name="timeProvider">The clock for the creation time; default the tuner's.</param>
    /// <returns>The configuration.</returns>
    public TunedConfiguration ToConfiguration(TimeProvider? timeProvider = null) => new(
        Strategy.Name,
        Strategy.Model,
        Strategy.Space,
        Chosen,
        ChosenFingerprint,
        ChosenConfiguration,
        _tuner.Options.Metric,
        ChosenDevMean,
        ChosenDevScores.Count,
        _data.Train.Fingerprint,
        _data.Dev.Fingerprint,
        (timeProvider ?? _tuner.TimeProvider).GetUtcNow());

    /// <summary>
    /// The one evaluation on the test split, after the choice is frozen: the chosen configuration, the untuned default and
    /// any reference strategies run together on <paramref name="test"/>, with confidence intervals, paired comparisons and
    /// the shrinkage of the dev gain on test (the winner's curse). Allowed once per result; items the tuner has seen, items
    /// outside the manifest's test split and test questions that a chosen demonstration (nearly) repeats are refused.
    /// </summary>
    /// <param name="test">The test split (or a seeded sample of it).</param>
    /// <param name="references">Other strategies to compare the choice with on the same items (for example the hand-set best rung), or <see langword="null"/>.</param>
    /// <param name="progress">Receives progress, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The tuning report and the test run's experiment report (store it as the regression gate's baseline).</returns>
    /// <exception cref="InvalidOperationException">The test split was already evaluated, or a demonstration repeats a test question.</exception>
    /// <exception cref="ArgumentException">The test set is empty, overlaps train or dev, or is not the manifest's test split.</exception>
    public async Task<HoldOutEvaluation> EvaluateOnTestAsync(EvaluationDataset test, IEnumerable<ExperimentStrategy>? references = null, IProgress<TuningProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(test);
        var others = references?.ToArray() ?? [];
        HoldOutChecks.CheckTestSet(test, _data.SeenIds(), _data.HeldOutIds);
        CheckDemonstrations(test);
        if (Interlocked.Exchange(ref _testEvaluated, 1) == 1)
        {
            throw new InvalidOperationException($"The test split of tuning '{_tuner.Options.Name}' was already evaluated once. A second look makes the test split a dev split; report the first evaluation, or tune again and hold out new data.");
        }

        try
        {
            // The tuned pipeline keeps the strategy's own name: the name a deployed TunedConfiguration.Build gives it, so the
            // regression gate can compare a later run of the deployed strategy with this evaluation.
            var chosen = Strategy.Build(Chosen);
            var baseline = Strategy.Build(Baseline, Strategy.Name + " (untuned default)");
            if (chosen.Fingerprint != ChosenFingerprint)
            {
                throw new InvalidOperationException($"The chosen configuration now builds strategy {chosen.Fingerprint}, not the {ChosenFingerprint} that was tuned: the configure function or a component (corpus, model) changed since the search. Tune again.");
            }

            ExperimentStrategy[] entries = [new(chosen, Strategy.Model), new(baseline, Strategy.Model), .. others];
            var run = await _tuner.RunAsync(entries, test, "hold-out evaluation on test", progress, cancellationToken).ConfigureAwait(false);
            var options = _tuner.Options;
            var experiment = ExperimentReport.Create(run, new ReportOptions { PrimaryMetric = options.Metric, ConfidenceLevel = options.ConfidenceLevel, Alpha = options.Alpha, Resamples = options.Resamples, Seed = options.Seed });
            var report = TuningReport.Create(new TuningReportInputs
            {
                Name = options.Name,
                Kind = TuningReport.StrategyKind,
                Metric = options.Metric,
                CompletedAt = _tuner.TimeProvider.GetUtcNow(),
                Settings = new TuningReportSettings { ConfidenceLevel = options.ConfidenceLevel, Alpha = options.Alpha, Resamples = options.Resamples, Seed = options.Seed },
                Search = SearchSummary(),
                Train = SplitSummary.Of(_data.Train),
                Selection = new SplitSummary { Name = _data.Dev.Name, Items = _dev.Items.Count, Fingerprint = EvaluationDataset.FingerprintOf(_dev.Items) },
                Test = SplitSummary.Of(test),
                Chosen = new ConfigurationOutcome(chosen.Name, Chosen.ToDictionary(), ChosenFingerprint.Value, ChosenDevScores, run.ItemScores(chosen.Name, options.Metric)),
                Baseline = new ConfigurationOutcome(baseline.Name, Baseline.ToDictionary(), BaselineFingerprint.Value, BaselineDevScores, run.ItemScores(baseline.Name, options.Metric)),
                References = others.Select(o => new ReferenceOutcome(o.Strategy.Name, o.Strategy.Fingerprint.Value, run.ItemScores(o.Strategy.Name, options.Metric))).ToArray(),
                Leaderboard = Candidates.Select(LeaderboardEntry.Of).ToArray(),
                Notes = HoldOutNotes(run),
            });
            var gateBaseline = ExperimentReport.Create(Only(run, chosen.Name), new ReportOptions { PrimaryMetric = options.Metric, ConfidenceLevel = options.ConfidenceLevel, Alpha = options.Alpha, Resamples = options.Resamples, Seed = options.Seed });
            return new HoldOutEvaluation(report, experiment, gateBaseline, run);
        }
        catch
        {
            // Nothing was learned about the test split when the run itself failed (budget, cancellation): allow a retry.
            Volatile.Write(ref _testEvaluated, 0);
            throw;
        }
    }

    /// <summary>The run restricted to one strategy (the regression gate's baseline for the deployed configuration).</summary>
    private static ExperimentRun Only(ExperimentRun run, string strategy) => new()
    {
        Name = run.Name,
        DatasetName = run.DatasetName,
        DatasetFingerprint = run.DatasetFingerprint,
        Strategies = run.Strategies.Where(s => s.Name == strategy).ToArray(),
        ItemIds = run.ItemIds,
        Repeats = run.Repeats,
        Records = run.Records.Where(r => r.StrategyName == strategy).ToArray(),
        Prices = run.Prices,
        StartedAt = run.StartedAt,
        CompletedAt = run.CompletedAt,
        Notes = run.Notes,
    };

    private TuningSearchSummary SearchSummary() => new()
    {
        Method = Method.ToString(),
        Candidates = Candidates.Count,
        PointsSearched = Candidates.Count + Candidates.Sum(c => c.Duplicates.Count),
        Rounds = Rounds,
        UncachedRuns = UncachedRuns,
        Cost = Spent,
        Currency = _tuner.Currency,
        Estimate = Estimate.ToString(),
        EstimatedRuns = Estimate.Calls,
        EstimatedCost = Estimate.Cost,
    };

    private List<string> HoldOutNotes(ExperimentRun run)
    {
        var notes = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"The test split was evaluated once, after the choice was frozen; the tuner saw only train ({_data.Train.Items.Count} items) and dev ({_dev.Items.Count} items)."),
            string.Create(CultureInfo.InvariantCulture, $"Selection scores count a failed run as 0; the hold-out run had {run.Records.Count(r => r.Error is not null)} failed run(s), left out of the paired comparisons."),
        };
        if (Method == SearchMethod.SuccessiveHalving)
        {
            notes.Add("Successive halving dropped candidates on small dev samples; a dropped candidate's score is its score on the sample it was dropped on.");
        }

        return notes;
    }

    private void CheckDemonstrations(EvaluationDataset test)
    {
        var guard = new LeakageGuard();
        foreach (var point in new[] { Chosen, Baseline })
        {
            foreach (var example in point.Demonstrations?.Examples ?? [])
            {
                var leak = test.Items.FirstOrDefault(item => guard.IsLeak(item.Input, example.Input));
                if (leak is not null)
                {
                    throw new InvalidOperationException($"Demonstration '{example.Id}' of configuration '{point}' repeats test item '{leak.Id}' (\"{leak.Input}\"); the test split would show the model its own answers. Split by group (for example by article) so train and test do not share questions.");
                }
            }
        }
    }
}

/// <summary>What <see cref="TuningResult.EvaluateOnTestAsync"/> returns.</summary>
/// <param name="Report">The tuning report: choice, dev and test scores, paired comparisons, winner's curse.</param>
/// <param name="TestReport">The experiment report of the whole test run (tuned, untuned default, references).</param>
/// <param name="GateBaseline">The experiment report of the tuned strategy alone, under the strategy's own name: save it as the regression gate's baseline and compare later runs of the deployed configuration (<see cref="TunedConfiguration.Build"/>) with it.</param>
/// <param name="TestRun">The test run itself.</param>
public sealed record HoldOutEvaluation(TuningReport Report, ExperimentReport TestReport, ExperimentReport GateBaseline, ExperimentRun TestRun);

/// <summary>The checks every hold-out step makes before it looks at the test split.</summary>
internal static class HoldOutChecks
{
    public static void CheckTestSet(EvaluationDataset test, HashSet<string> seen, IReadOnlySet<string>? heldOut)
    {
        if (test.Items.Count == 0)
        {
            throw new ArgumentException($"The test set '{test.Name}' has no items.", nameof(test));
        }

        var overlap = test.Items.FirstOrDefault(i => seen.Contains(i.Id));
        if (overlap is not null)
        {
            throw new ArgumentException($"Test item '{overlap.Id}' was in the tuning data (train or dev); the hold-out evaluation needs items the tuner never saw. Pass the split's test part.", nameof(test));
        }

        var foreign = heldOut is null ? null : test.Items.FirstOrDefault(i => !heldOut.Contains(i.Id));
        if (foreign is not null)
        {
            throw new ArgumentException($"Test item '{foreign.Id}' is not in the test split of the manifest the tuning data came from; evaluate on that split (or a sample of it).", nameof(test));
        }
    }
}
