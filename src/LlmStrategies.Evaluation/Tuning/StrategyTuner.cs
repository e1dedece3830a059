using System.Globalization;
using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Statistics;
using LlmStrategies.Experiments;

namespace LlmStrategies.Tuning;

/// <summary>
/// Tunes a strategy on the dev split and nothing else: grid, seeded random search or successive halving over a
/// <see cref="SearchSpace"/> (or an explicit list of candidates, for example bootstrapped demonstration sets), every
/// run through <see cref="ExperimentRunner"/> with one response cache and one budget for everything this tuner does.
/// The result is frozen; its one look at the test split is <see cref="TuningResult.EvaluateOnTestAsync"/>.
/// </summary>
/// <remarks>
/// Configurations that build the same strategy (equal fingerprints, for example a few-shot selector setting on a
/// configuration without few-shot) are scored once. Ties on the metric go to the candidate listed first (grid order),
/// so results are deterministic. A failed run counts as 0 for selection, so a configuration that fails is not chosen for
/// its few successes. Without a cache of your own the tuner keeps responses in memory, so successive halving's nested
/// samples never run an item twice.
/// </remarks>
public sealed class StrategyTuner
{
    /// <summary>The largest grid enumerated; a larger space needs <see cref="SearchMethod.Random"/> or a sampled successive halving.</summary>
    public const long MaxGridSize = 1_000_000;

    private readonly TuningOptions _options;
    private readonly PriceTable _prices;
    private readonly IResponseCache _cache;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private decimal _spent;
    private int _uncachedRuns;

    /// <summary>Creates a tuner.</summary>
    /// <param name="options">The metric, evaluators, search method, seed and budget; do not change them afterwards.</param>
    /// <param name="prices">The prices (needed for a budget); default an empty table (costs unknown).</param>
    /// <param name="cache">The response cache (for example a <see cref="JsonlResponseCache"/>, to resume a search); default one in memory.</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public StrategyTuner(TuningOptions options, PriceTable? prices = null, IResponseCache? cache = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _prices = prices ?? new PriceTable();
        _cache = cache ?? new MemoryResponseCache();
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets the options.</summary>
    public TuningOptions Options => _options;

    /// <summary>Gets what this tuner has spent so far (uncached runs only), in the price table's currency.</summary>
    public decimal Spent
    {
        get
        {
            lock (_gate)
            {
                return _spent;
            }
        }
    }

    /// <summary>Gets the strategy runs this tuner has made that were not served from the response cache.</summary>
    public int UncachedRuns => Volatile.Read(ref _uncachedRuns);

    /// <summary>Gets the price table's currency.</summary>
    public string Currency => _prices.Currency;

    internal TimeProvider TimeProvider => _timeProvider;

    /// <summary>Estimates a search before running it: every round, and the untuned default on the whole dev split.</summary>
    /// <param name="strategy">The strategy to tune.</param>
    /// <param name="baseline">The untuned default configuration, compared with the choice on dev and on test.</param>
    /// <param name="data">The train and dev splits.</param>
    /// <param name="candidates">The configurations to search, or <see langword="null"/> for the space's grid (or sample, per <see cref="TuningOptions.Method"/>).</param>
    /// <param name="cancellationToken">Cancels the cache lookups.</param>
    /// <returns>The estimate (an upper bound for successive halving).</returns>
    public async Task<TuningEstimate> EstimateAsync(TunableStrategy strategy, SearchPoint baseline, TuningData data, IEnumerable<SearchPoint>? candidates = null, CancellationToken cancellationToken = default)
    {
        var plan = Plan(strategy, baseline, data, candidates);
        return await EstimateAsync(plan, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Searches for the configuration that scores best on the dev split.</summary>
    /// <param name="strategy">The strategy to tune.</param>
    /// <param name="baseline">The untuned default configuration (the one you would ship without tuning); it is scored on the whole dev split too.</param>
    /// <param name="data">The train and dev splits; the test split is not an input.</param>
    /// <param name="candidates">The configurations to search, or <see langword="null"/> for the space's grid (or sample, per <see cref="TuningOptions.Method"/>).</param>
    /// <param name="progress">Receives progress, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the search; finished runs stay in the response cache.</param>
    /// <returns>The frozen result.</returns>
    /// <exception cref="BudgetExceededException">The pre-flight estimate exceeds what is left of the budget (nothing ran), or the spending did.</exception>
    /// <exception cref="InvalidOperationException">A budget is set but the model has no price.</exception>
    public async Task<TuningResult> TuneAsync(
        TunableStrategy strategy,
        SearchPoint baseline,
        TuningData data,
        IEnumerable<SearchPoint>? candidates = null,
        IProgress<TuningProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var plan = Plan(strategy, baseline, data, candidates);
        var estimate = await EstimateAsync(plan, cancellationToken).ConfigureAwait(false);
        CheckBudget(estimate, "tuning '" + strategy.Name + "'");
        var spentBefore = Spent;
        var runsBefore = UncachedRuns;

        var alive = plan.Candidates.ToList();
        var rounds = new List<SearchRound>();
        var scores = new Dictionary<TuningCandidate, (double Mean, int Items, int Errors, int? Eliminated)>();
        IReadOnlyList<double> chosenScores = [];
        for (var r = 0; r < plan.Schedule.Count; r++)
        {
            var (_, size) = plan.Schedule[r];
            var last = r == plan.Schedule.Count - 1;
            var sample = plan.DevSample(size);
            var phase = string.Create(CultureInfo.InvariantCulture, $"search round {r + 1} of {plan.Schedule.Count}: {alive.Count} candidates on {size} dev items");
            var run = await RunAsync([.. alive.Select(c => c.Entry)], sample, phase, progress, cancellationToken).ConfigureAwait(false);
            var ranked = alive
                .Select(c => (Candidate: c, Score: SelectionScores.Of(run, c.Name, _options.Metric)))
                .OrderByDescending(x => x.Score.Mean)
                .ThenBy(x => x.Candidate.Index)
                .ToList();
            var keep = last ? 1 : plan.Schedule[r + 1].Candidates;
            for (var i = 0; i < ranked.Count; i++)
            {
                scores[ranked[i].Candidate] = (ranked[i].Score.Mean, size, ranked[i].Score.Errors, i < keep ? null : r);
            }

            rounds.Add(new SearchRound(r, size, alive.Count, Math.Min(keep, alive.Count), run.Records.Count(x => !x.FromCache), run.Records.Count(x => x.FromCache), CostOf(run)));
            alive = ranked.Take(keep).Select(x => x.Candidate).ToList();
            if (last)
            {
                chosenScores = ranked[0].Score.Values;
            }
        }

        var chosen = alive[0];
        var devFull = plan.DevSample(plan.Dev.Items.Count);
        var baselineRun = await RunAsync([plan.Baseline.Entry], devFull, "untuned default on dev", progress, cancellationToken).ConfigureAwait(false);
        var baselineScores = SelectionScores.Of(baselineRun, plan.Baseline.Name, _options.Metric);

        var leaderboard = plan.Candidates
            .Select(c => new CandidateScore(c.Point, c.Fingerprint, scores[c].Mean, scores[c].Items, scores[c].Errors, scores[c].Eliminated, c.Duplicates))
            .OrderBy(c => c.EliminatedInRound is null ? 0 : 1)
            .ThenByDescending(c => c.Items)
            .ThenByDescending(c => c.Mean)
            .ToArray();
        return new TuningResult(
            this,
            strategy,
            data,
            plan.Method,
            chosen.Point,
            chosen.Pipeline,
            chosenScores,
            baseline,
            plan.Baseline.Pipeline,
            baselineScores.Values,
            leaderboard,
            rounds,
            estimate,
            UncachedRuns - runsBefore,
            Spent - spentBefore,
            devFull);
    }

    /// <summary>Runs strategies on items through a runner whose budget is what is left of this tuner's, and books what they spent.</summary>
    internal async Task<ExperimentRun> RunAsync(IReadOnlyList<ExperimentStrategy> strategies, EvaluationDataset items, string phase, IProgress<TuningProgress>? progress, CancellationToken cancellationToken)
    {
        decimal? left = _options.Budget is { } budget ? Math.Max(0, budget - Spent) : null;
        var spentBefore = Spent;
        var runner = CreateRunner(phase, left);
        var reporter = progress is null ? null : new RunProgress(p => progress.Report(new TuningProgress(phase, p.Completed, p.Total, spentBefore + p.SpentCost)));
        ExperimentRun run;
        try
        {
            run = await runner.RunAsync(strategies, items, _options.Evaluators, reporter, cancellationToken).ConfigureAwait(false);
        }
        catch (BudgetExceededException)
        {
            // The tuner checks its own estimate before every phase, so the runner refuses only once the spending has
            // passed what was left: the budget is spent.
            lock (_gate)
            {
                _spent = Math.Max(_spent, _options.Budget ?? _spent);
            }

            throw;
        }

        lock (_gate)
        {
            _spent += run.Records.Where(r => !r.FromCache).Sum(r => r.Cost ?? 0);
        }

        Interlocked.Add(ref _uncachedRuns, run.Records.Count(r => !r.FromCache));
        return run;
    }

    /// <summary>The runner's estimate of runs on items, as a phase of a tuning estimate.</summary>
    internal async Task<CostEstimate> EstimateRunsAsync(IReadOnlyList<ExperimentStrategy> strategies, EvaluationDataset items, CancellationToken cancellationToken) =>
        await CreateRunner("estimate", null).EstimateAsync(strategies, items, _options.Evaluators, cancellationToken).ConfigureAwait(false);

    /// <summary>Refuses a phase whose estimate does not fit in what is left of the budget.</summary>
    internal void CheckBudget(TuningEstimate estimate, string what)
    {
        if (_options.Budget is not { } budget)
        {
            return;
        }

        if (estimate.Calls > 0 && estimate.Cost is null)
        {
            throw new InvalidOperationException($"The tuner has a budget of {budget} {_prices.Currency} but cannot price {what}: declare the strategy's model (TunableStrategy model) and add it to the price table.");
        }

        var left = budget - Spent;
        if (estimate.Cost > left)
        {
            throw new BudgetExceededException(
                string.Create(CultureInfo.InvariantCulture, $"{what} is estimated at {estimate}, over what is left of the budget ({left} of {budget} {_prices.Currency}). Nothing was run. Raise TuningOptions.Budget, search fewer candidates (random search, successive halving) or use a cheaper model."),
                left,
                estimate.Cost.Value);
        }
    }

    /// <summary>Builds a pipeline per point, merging points that build the same strategy.</summary>
    internal static List<TuningCandidate> Candidates(TunableStrategy strategy, IReadOnlyList<SearchPoint> points)
    {
        var byFingerprint = new Dictionary<string, TuningCandidate>(StringComparer.Ordinal);
        var list = new List<TuningCandidate>();
        var seen = new HashSet<SearchPoint>();
        foreach (var point in points)
        {
            if (!seen.Add(point))
            {
                continue;
            }

            var pipeline = strategy.Build(point, string.Create(CultureInfo.InvariantCulture, $"{strategy.Name} #{list.Count}"));
            if (byFingerprint.TryGetValue(pipeline.Fingerprint.Value, out var existing))
            {
                existing.Duplicates.Add(point);
                continue;
            }

            var candidate = new TuningCandidate(list.Count, point, pipeline, strategy.Model);
            byFingerprint.Add(candidate.Fingerprint, candidate);
            list.Add(candidate);
        }

        return list;
    }

    private SearchPlan Plan(TunableStrategy strategy, SearchPoint baseline, TuningData data, IEnumerable<SearchPoint>? candidates)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(data);
        var points = candidates?.ToArray() ?? DefaultPoints(strategy.Space);
        if (points.Length == 0)
        {
            throw new ArgumentException("There are no candidates to search; give at least one point.", nameof(candidates));
        }

        if (Array.IndexOf(points, null) >= 0)
        {
            throw new ArgumentException("The candidates contain null.", nameof(candidates));
        }

        var list = Candidates(strategy, points);
        var baselineCandidate = new TuningCandidate(-1, baseline, strategy.Build(baseline, strategy.Name + " (untuned default)"), strategy.Model);
        var method = _options.Method;
        var schedule = method == SearchMethod.SuccessiveHalving
            ? HalvingSchedule.Rounds(list.Count, data.Dev.Items.Count, _options.HalvingInitialItems, _options.HalvingFactor)
            : [(list.Count, data.Dev.Items.Count)];

        // Successive halving scores nested prefixes of one seeded order of dev; the other methods score dev in its own order.
        var order = method == SearchMethod.SuccessiveHalving ? Shuffled(data.Dev.Items.Select(i => i.Id).ToArray(), _options.Seed) : data.Dev.Items.Select(i => i.Id).ToArray();
        return new SearchPlan(method, list, baselineCandidate, schedule, data.Dev, order);
    }

    private SearchPoint[] DefaultPoints(SearchSpace space)
    {
        var size = space.GridSize;
        var sample = _options.Method switch
        {
            SearchMethod.Random => _options.SampleSize,
            SearchMethod.SuccessiveHalving => _options.SampleSize,
            _ => null,
        };
        if (sample is { } n && n < size)
        {
            return SampleIndices(size, n, _options.Seed).Select(space.PointAt).ToArray();
        }

        if (size > MaxGridSize)
        {
            throw new ArgumentException($"The search space has {size:N0} points, more than the {MaxGridSize:N0} a grid enumerates; use SearchMethod.Random or set TuningOptions.SampleSize for successive halving.", nameof(space));
        }

        return space.Grid().ToArray();
    }

    /// <summary>n distinct indices in [0, size) drawn with Floyd's algorithm (uniform, without enumerating the grid), in grid order.</summary>
    internal static long[] SampleIndices(long size, int n, int seed)
    {
        var random = new Random(seed);
        var chosen = new HashSet<long>();
        for (var j = size - n; j < size; j++)
        {
            var t = random.NextInt64(j + 1);
            chosen.Add(chosen.Contains(t) ? j : t);
        }

        var indices = chosen.ToArray();
        Array.Sort(indices);
        return indices;
    }

    private static string[] Shuffled(string[] ids, int seed)
    {
        var random = new Random(seed);
        for (var i = ids.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (ids[i], ids[j]) = (ids[j], ids[i]);
        }

        return ids;
    }

    private async Task<TuningEstimate> EstimateAsync(SearchPlan plan, CancellationToken cancellationToken)
    {
        var m = plan.Dev.Items.Count;
        var devFull = plan.DevSample(m);
        var perCandidate = await EstimateRunsAsync([.. plan.Candidates.Select(c => c.Entry)], devFull, cancellationToken).ConfigureAwait(false);
        var phases = new List<TuningEstimatePhase>();
        var name = plan.Method switch
        {
            SearchMethod.SuccessiveHalving => string.Create(CultureInfo.InvariantCulture, $"search (successive halving, {plan.Candidates.Count} candidates, {plan.Schedule.Count} rounds)"),
            SearchMethod.Random => string.Create(CultureInfo.InvariantCulture, $"search (random, {plan.Candidates.Count} candidates)"),
            _ => string.Create(CultureInfo.InvariantCulture, $"search (grid, {plan.Candidates.Count} candidates)"),
        };
        if (plan.Schedule.Count == 1)
        {
            phases.Add(new TuningEstimatePhase(name, perCandidate.Calls, perCandidate.InputTokens, perCandidate.OutputTokens, perCandidate.Cost, false));
        }
        else
        {
            // Upper bound: in each round, the most expensive candidates survive and run the round's new items.
            double calls = 0, input = 0, output = 0;
            decimal cost = 0;
            var priced = true;
            var previous = 0;
            foreach (var (n, size) in plan.Schedule)
            {
                var added = size - previous;
                previous = size;
                foreach (var s in perCandidate.Strategies.OrderByDescending(s => s.Cost ?? 0).ThenByDescending(s => s.Calls).Take(n))
                {
                    calls += (double)s.Calls / m * added;
                    input += (double)s.InputTokens / m * added;
                    output += (double)s.OutputTokens / m * added;
                    priced &= s.Calls == 0 || s.Cost is not null;
                    cost += (s.Cost ?? 0) / m * added;
                }
            }

            phases.Add(new TuningEstimatePhase(name, (long)Math.Ceiling(calls), (long)Math.Ceiling(input), (long)Math.Ceiling(output), priced ? cost : null, true));
        }

        // The default on the whole of dev: free when a grid scores the same strategy anyway.
        var scoredAnyway = plan.Schedule.Count == 1 && plan.Candidates.Any(c => c.Fingerprint == plan.Baseline.Fingerprint);
        var baseline = scoredAnyway ? null : await EstimateRunsAsync([plan.Baseline.Entry], devFull, cancellationToken).ConfigureAwait(false);
        phases.Add(new TuningEstimatePhase("untuned default on dev", baseline?.Calls ?? 0, baseline?.InputTokens ?? 0, baseline?.OutputTokens ?? 0, baseline is null ? 0 : baseline.Cost, plan.Schedule.Count > 1));
        return new TuningEstimate(phases, _prices.Currency);
    }

    private ExperimentRunner CreateRunner(string phase, decimal? budget) => new(
        new ExperimentOptions
        {
            Name = $"{_options.Name}: {phase}",
            Repeats = _options.Repeats,
            MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism,
            RequestsPerSecond = _options.RequestsPerSecond,
            Budget = budget,
            EstimatedPromptOverheadTokens = _options.EstimatedPromptOverheadTokens,
            EstimatedOutputTokens = _options.EstimatedOutputTokens,
        },
        _prices,
        _cache,
        _options.Judge,
        _timeProvider);

    internal static decimal? CostOf(ExperimentRun run)
    {
        var uncached = run.Records.Where(r => !r.FromCache && r.Response is not null).ToArray();
        return uncached.Any(r => r.Cost is null) ? null : uncached.Sum(r => r.Cost ?? 0);
    }

    /// <summary>The plan of a search: candidates, default, rounds and the order of dev.</summary>
    private sealed record SearchPlan(SearchMethod Method, List<TuningCandidate> Candidates, TuningCandidate Baseline, IReadOnlyList<(int Candidates, int Items)> Schedule, EvaluationDataset Dev, string[] Order)
    {
        public EvaluationDataset DevSample(int size) => Dev.Subset(string.Create(CultureInfo.InvariantCulture, $"{Dev.Name} ({size} of {Dev.Items.Count})"), Order.Take(size));
    }

    /// <summary>Forwards runner progress synchronously.</summary>
    private sealed class RunProgress(Action<ExperimentProgress> report) : IProgress<ExperimentProgress>
    {
        private readonly Lock _gate = new();

        public void Report(ExperimentProgress value)
        {
            lock (_gate)
            {
                report(value);
            }
        }
    }
}

/// <summary>Per-item selection scores from a run: a failed run or an unscored item counts as 0.</summary>
internal readonly record struct SelectionScores(IReadOnlyList<double> Values, double Mean, int Errors)
{
    public static SelectionScores Of(ExperimentRun run, string strategy, string metric)
    {
        var raw = run.ItemScores(strategy, metric);
        var values = raw.Select(v => v ?? 0).ToArray();
        return new SelectionScores(values, values.Length == 0 ? 0 : values.Average(), raw.Count(v => v is null));
    }
}
