using System.Globalization;
using LlmStrategies.Evaluation;
using LlmStrategies.FewShot;

namespace LlmStrategies.Tuning;

/// <summary>
/// Demonstration bootstrapping in the spirit of DSPy's BootstrapFewShot (Khattab et al., 2023): a teacher configuration
/// answers train questions; the answers the metric accepts become candidate demonstrations; candidate sets of them are
/// then scored on dev like any other configuration (<see cref="BootstrappedDemonstrations.Candidates"/> and
/// <see cref="StrategyTuner.TuneAsync"/>), and the set that scores best is chosen.
/// </summary>
/// <remarks>
/// Demonstrations come from the train split only. A demonstration whose input (nearly) repeats a dev input is left out
/// of every set (<see cref="LeakageGuard"/>), so dev scores are not inflated by the model seeing the question answered;
/// test items are checked the same way when the chosen configuration is evaluated on test. Every teacher run goes through
/// the tuner's runner, response cache and budget.
/// </remarks>
public sealed class DemonstrationBootstrapper
{
    private readonly StrategyTuner _tuner;
    private readonly DemonstrationBootstrapOptions _options;

    /// <summary>Creates a bootstrapper that runs through <paramref name="tuner"/> (its metric, evaluators, cache and budget).</summary>
    /// <param name="tuner">The tuner.</param>
    /// <param name="options">The settings; default <see cref="DemonstrationBootstrapOptions"/>.</param>
    public DemonstrationBootstrapper(StrategyTuner tuner, DemonstrationBootstrapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(tuner);
        _options = options ?? new DemonstrationBootstrapOptions();
        _options.Validate();
        _tuner = tuner;
    }

    /// <summary>Estimates the teacher's runs before making them.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="teacher">The configuration that answers the train questions.</param>
    /// <param name="data">The train and dev splits.</param>
    /// <param name="cancellationToken">Cancels the cache lookups.</param>
    /// <returns>The estimate.</returns>
    public async Task<TuningEstimate> EstimateAsync(TunableStrategy strategy, SearchPoint teacher, TuningData data, CancellationToken cancellationToken = default)
    {
        var (entry, train) = Plan(strategy, teacher, data);
        var estimate = await _tuner.EstimateRunsAsync([entry], train, cancellationToken).ConfigureAwait(false);
        return new TuningEstimate([new TuningEstimatePhase(string.Create(CultureInfo.InvariantCulture, $"bootstrap ({train.Items.Count} train items)"), estimate.Calls, estimate.InputTokens, estimate.OutputTokens, estimate.Cost, false)], _tuner.Currency);
    }

    /// <summary>Runs the teacher on train items and builds candidate demonstration sets from the accepted answers.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="teacher">The configuration that answers the train questions.</param>
    /// <param name="data">The train and dev splits.</param>
    /// <param name="progress">Receives progress, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the runs.</param>
    /// <returns>The accepted pool and the candidate sets (empty when the metric accepted nothing).</returns>
    /// <exception cref="ArgumentException">The train split is empty.</exception>
    public async Task<BootstrappedDemonstrations> BootstrapAsync(TunableStrategy strategy, SearchPoint teacher, TuningData data, IProgress<TuningProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var (entry, train) = Plan(strategy, teacher, data);
        var estimate = await EstimateAsync(strategy, teacher, data, cancellationToken).ConfigureAwait(false);
        _tuner.CheckBudget(estimate, "bootstrapping demonstrations for '" + strategy.Name + "'");
        var spentBefore = _tuner.Spent;
        var run = await _tuner.RunAsync([entry], train, "bootstrap", progress, cancellationToken).ConfigureAwait(false);
        var metric = _tuner.Options.Metric;
        var scores = run.ItemScores(entry.Strategy.Name, metric);
        var records = run.Records.ToDictionary(r => r.ItemId, StringComparer.Ordinal);
        var pool = new List<FewShotExample>();
        var failed = 0;
        for (var i = 0; i < train.Items.Count; i++)
        {
            var item = train.Items[i];
            var response = records[item.Id].Response;
            if (response?.Answer is not { Length: > 0 } answer || response.Outcome != StrategyOutcome.Answered)
            {
                failed++;
                continue;
            }

            if (scores[i] is { } score && score >= _options.AcceptAtOrAbove)
            {
                pool.Add(new FewShotExample
                {
                    Id = item.Id,
                    Input = item.Input,
                    Output = answer,
                    Label = item.Label,
                    Tags = ["bootstrapped"],
                    Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["teacher"] = entry.Strategy.Fingerprint.Value, ["score"] = score.ToString("R", CultureInfo.InvariantCulture) },
                });
            }
        }

        var (sets, blocked) = Sets(pool, data.Dev);
        return new BootstrappedDemonstrations(train.Items.Count, failed, pool, blocked, sets, _tuner.Spent - spentBefore);
    }

    private (Experiments.ExperimentStrategy Entry, EvaluationDataset Train) Plan(TunableStrategy strategy, SearchPoint teacher, TuningData data)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Train.Items.Count == 0)
        {
            throw new ArgumentException($"The train split '{data.Train.Name}' has no items to bootstrap demonstrations from.", nameof(data));
        }

        var ids = data.Train.Items.Select(i => i.Id).ToArray();
        if (_options.MaxTrainItems is { } max && max < ids.Length)
        {
            // A seeded sample, kept in train order so that the first candidate set is the same for any seed.
            ids = StrategyTuner.SampleIndices(ids.Length, max, _tuner.Options.Seed).Select(i => ids[i]).ToArray();
        }

        var train = data.Train.Subset(string.Create(CultureInfo.InvariantCulture, $"{data.Train.Name} ({ids.Length} of {data.Train.Items.Count})"), ids);
        return (new Experiments.ExperimentStrategy(strategy.Build(teacher, strategy.Name + " (teacher)"), strategy.Model), train);
    }

    /// <summary>The candidate sets: the first k non-leaking demonstrations in train order, then in seeded shuffles; identical sets once.</summary>
    private (List<DemonstrationSet> Sets, int Blocked) Sets(List<FewShotExample> pool, EvaluationDataset dev)
    {
        var guard = new LeakageGuard(_options.LeakageThreshold);
        var leaks = new Dictionary<string, bool>(StringComparer.Ordinal);
        bool Leaks(FewShotExample example)
        {
            if (!leaks.TryGetValue(example.Id, out var leak))
            {
                leak = dev.Items.Any(item => guard.IsLeak(item.Input, example.Input));
                leaks[example.Id] = leak;
            }

            return leak;
        }

        var sets = new List<DemonstrationSet>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var s = 0; s < _options.CandidateSets && pool.Count > 0; s++)
        {
            var order = pool.ToArray();
            if (s > 0)
            {
                new Random(_tuner.Options.Seed + s).Shuffle(order);
            }

            var chosen = order.Where(e => !Leaks(e)).Take(_options.DemonstrationsPerSet).ToArray();
            if (chosen.Length > 0)
            {
                var set = new DemonstrationSet(chosen);
                if (ids.Add(set.Id))
                {
                    sets.Add(set);
                }
            }
        }

        return (sets, leaks.Count(l => l.Value));
    }
}
