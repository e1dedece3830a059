using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using LlmStrategies.Evaluation;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Experiments;

/// <summary>
/// Runs strategies over a test set and scores every response with <see cref="IEvaluator"/>s: bounded parallelism, an
/// optional rate limit (a token bucket from System.Threading.RateLimiting), a persistent response cache, N repeats, costs from a <see cref="PriceTable"/>, a
/// pre-flight budget check, progress reports, cancellation and crash-safe resume from a JSONL checkpoint.
/// </summary>
/// <remarks>
/// Experiments only call <see cref="IStrategy.RunAsync"/>; they never reach inside a strategy. A strategy that throws
/// is recorded as an error for that item (and reported), not retried and not scored: the record carries the error and
/// no metrics, so a failure is never a silent 0 (add retries to the strategy's chat client when they are wanted).
/// </remarks>
public sealed partial class ExperimentRunner
{
    /// <summary>The schema name in checkpoint headers.</summary>
    public const string CheckpointSchema = "llmstrategies.experiment-checkpoint";

    private readonly ExperimentOptions _options;
    private readonly PriceTable _prices;
    private readonly IResponseCache? _cache;
    private readonly ChatConfiguration? _judge;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a runner.</summary>
    /// <param name="options">Parallelism, repeats, rate limit, budget and checkpoint; default <see cref="ExperimentOptions"/>.</param>
    /// <param name="prices">The prices; default an empty table (costs unknown).</param>
    /// <param name="cache">The response cache, or <see langword="null"/> for none.</param>
    /// <param name="judge">The chat configuration given to evaluators (the LLM judge), or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    public ExperimentRunner(ExperimentOptions? options = null, PriceTable? prices = null, IResponseCache? cache = null, ChatConfiguration? judge = null, TimeProvider? timeProvider = null)
    {
        _options = ValidatedOptions.ThrowIfInvalid(new ExperimentOptionsValidator(), options ?? new ExperimentOptions());
        _prices = prices ?? new PriceTable();
        _cache = cache;
        _judge = judge;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Runs every strategy on every test item (× repeats) and evaluates the responses.</summary>
    /// <param name="strategies">The strategies; names must be unique.</param>
    /// <param name="testSet">The test items (for example <see cref="DatasetSplits.Test"/>).</param>
    /// <param name="evaluators">The evaluators: this library's or any <see cref="IEvaluator"/>.</param>
    /// <param name="progress">Receives a report after every finished run, or <see langword="null"/>. Reports come from worker threads, possibly concurrently.</param>
    /// <param name="cancellationToken">Cancels the experiment; finished runs are in the checkpoint, so a rerun resumes.</param>
    /// <returns>The run.</returns>
    /// <exception cref="BudgetExceededException">The estimate exceeds <see cref="ExperimentOptions.Budget"/> (nothing ran), or the spent cost did (the finished runs are checkpointed).</exception>
    /// <exception cref="InvalidOperationException">A budget is set but a strategy's model has no price, so the budget cannot be checked.</exception>
    /// <exception cref="ExperimentFileException">The checkpoint belongs to another experiment or is corrupt.</exception>
    public async Task<ExperimentRun> RunAsync(
        IEnumerable<ExperimentStrategy> strategies,
        EvaluationDataset testSet,
        IEnumerable<IEvaluator> evaluators,
        IProgress<ExperimentProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var plan = Plan(strategies, testSet, evaluators);
        var clusters = Clusters(plan.Items, testSet.Name);
        var started = _timeProvider.GetUtcNow();

        // The budget is checked before the checkpoint is created, so a refused run leaves no file behind.
        var estimate = await EstimateAsync(plan, ReadCheckpointKeys(plan), cancellationToken).ConfigureAwait(false);
        CheckBudget(estimate);

        using var checkpoint = _options.CheckpointPath is null
            ? null
            : JsonlJournal<RunRecord>.Open(_options.CheckpointPath, CheckpointSchema, 1, plan.Identity, ExperimentJsonContext.Default.RunRecord, "checkpoint");
        var notes = new List<string>(checkpoint?.Notes ?? []);
        var finished = new ConcurrentDictionary<(string, string, int), RunRecord>();
        foreach (var record in checkpoint?.Records ?? [])
        {
            finished.TryAdd((record.StrategyName, record.ItemId, record.Repeat), record);
        }

        if (!finished.IsEmpty)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"Resumed {finished.Count} finished runs from the checkpoint '{_options.CheckpointPath}'."));
        }

        await ExecuteAsync(plan, finished, checkpoint, progress, cancellationToken).ConfigureAwait(false);

        var order = plan.Strategies.Select((s, i) => (s.Strategy.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var itemOrder = plan.Items.Select((item, i) => (item.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);
        var records = finished.Values.OrderBy(r => order[r.StrategyName]).ThenBy(r => itemOrder[r.ItemId]).ThenBy(r => r.Repeat).ToArray();
        var completedAt = _timeProvider.GetUtcNow();
        return new ExperimentRun
        {
            Name = _options.Name,
            RunId = RunIdOf(plan, started, completedAt, records),
            Scope = testSet.Sampling?.ToString() ?? string.Create(CultureInfo.InvariantCulture, $"all {plan.Items.Count:N0} items of '{testSet.Name}'"),
            ClusterField = clusters?.Field,
            ItemClusters = clusters?.Groups,
            DatasetName = testSet.Name,
            DatasetFingerprint = testSet.Fingerprint,
            Strategies = plan.Strategies.Select(s => s.Info).ToArray(),
            ItemIds = plan.Items.Select(i => i.Id).ToArray(),
            Repeats = _options.Repeats,
            Records = records,
            Prices = _prices,
            StartedAt = started,
            CompletedAt = completedAt,
            Estimate = estimate,
            Notes = notes,
        };
    }

    /// <summary>Runs every (strategy, item, repeat) not yet finished, within the budget, reporting progress.</summary>
    private async Task ExecuteAsync(
        ExperimentPlan plan,
        ConcurrentDictionary<(string, string, int), RunRecord> finished,
        JsonlJournal<RunRecord>? checkpoint,
        IProgress<ExperimentProgress>? progress,
        CancellationToken cancellationToken)
    {
        var total = plan.Strategies.Count * plan.Items.Count * _options.Repeats;
        var completed = finished.Count;
        var reused = finished.Count;
        var spent = 0m;
        var spentGate = new Lock();
        progress?.Report(new ExperimentProgress(completed, total, reused, 0, null));

        using var rateLimiter = BuildRateLimiter();
        using var budgetStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var overBudget = false;
        var work = plan.Strategies
            .SelectMany(strategy => plan.Items.SelectMany(item => Enumerable.Range(0, _options.Repeats).Select(repeat => (Strategy: strategy, Item: item, Repeat: repeat))))
            .Where(unit => !finished.ContainsKey((unit.Strategy.Strategy.Name, unit.Item.Id, unit.Repeat)))
            .ToList();
        try
        {
            await Parallel.ForEachAsync(
                work,
                new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism, CancellationToken = budgetStop.Token },
                async (unit, token) =>
                {
                    var record = await RunOneAsync(unit.Strategy, unit.Item, unit.Repeat, plan.Evaluators, rateLimiter, token).ConfigureAwait(false);
                    checkpoint?.Append(record);
                    finished[(record.StrategyName, record.ItemId, record.Repeat)] = record;
                    decimal spentNow;
                    lock (spentGate)
                    {
                        if (!record.FromCache)
                        {
                            spent += record.Cost ?? 0;
                        }

                        spentNow = spent;
                    }

                    var done = Interlocked.Increment(ref completed);
                    var reusedNow = record.FromCache ? Interlocked.Increment(ref reused) : Volatile.Read(ref reused);
                    progress?.Report(new ExperimentProgress(done, total, reusedNow, spentNow, record.StrategyName));
                    if (_options.Budget is { } budget && spentNow > budget && !overBudget)
                    {
                        overBudget = true;
                        await budgetStop.CancelAsync().ConfigureAwait(false);
                    }
                }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (overBudget && !cancellationToken.IsCancellationRequested)
        {
            throw new BudgetExceededException(
                string.Create(CultureInfo.InvariantCulture, $"Experiment '{_options.Name}' spent {spent} {_prices.Currency}, over its budget of {_options.Budget} {_prices.Currency}; it stopped after {completed} of {total} runs (they are in the checkpoint). Raise ExperimentOptions.Budget or shrink the test set, then rerun to resume."),
                _options.Budget!.Value,
                spent);
        }
    }

    /// <summary>The grouping of items that are not independent, per <see cref="ExperimentOptions.ClusterBy"/>; <see langword="null"/> when items are independent.</summary>
    private (string Field, string[] Groups)? Clusters(IReadOnlyList<EvaluationItem> items, string dataset)
    {
        var field = _options.ClusterBy;
        if (string.IsNullOrEmpty(field))
        {
            return null;
        }

        if (field == ExperimentOptions.AutoCluster)
        {
            field = items.Count > 0 && items.All(i => i.Metadata.ContainsKey("paragraph")) ? "paragraph" : null;
            if (field is null)
            {
                return null;
            }
        }

        var missing = items.FirstOrDefault(i => !i.Metadata.ContainsKey(field));
        if (missing is not null)
        {
            var fields = items.SelectMany(i => i.Metadata.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            throw new ArgumentException($"ExperimentOptions.ClusterBy is '{field}', but item '{missing.Id}' of '{dataset}' has no such metadata field. The fields are: {string.Join(", ", fields)}; or set ClusterBy to null to treat items as independent.", nameof(items));
        }

        return (field, items.Select(i => i.Metadata[field]).ToArray());
    }

    /// <summary>A run's identity: what ran, on what, when, and what came out.</summary>
    private static string RunIdOf(ExperimentPlan plan, DateTimeOffset started, DateTimeOffset completed, IReadOnlyList<RunRecord> records)
    {
        using var hash = new ContentHash();
        hash.Add("run").Add(plan.Identity)
            .Add(started.UtcTicks.ToString(CultureInfo.InvariantCulture))
            .Add(completed.UtcTicks.ToString(CultureInfo.InvariantCulture));
        foreach (var record in records)
        {
            hash.Add(record.StrategyName).Add(record.ItemId).Add(record.Repeat.ToString(CultureInfo.InvariantCulture)).Add(record.Response?.Answer).Add(record.Error);
        }

        return hash.Finish();
    }

    /// <summary>Runs the evaluators on a response and converts their metrics (shared with backtesting).</summary>
    internal static async Task<List<MetricValue>> EvaluateAsync(
        IReadOnlyList<IEvaluator> evaluators,
        EvaluationItem item,
        RecordedResponse? response,
        decimal? cost,
        ChatConfiguration? judge,
        CancellationToken cancellationToken)
    {
        var messages = new[] { new ChatMessage(ChatRole.User, item.Input) };
        var chatResponse = new ChatResponse(new ChatMessage(ChatRole.Assistant, response?.Answer ?? string.Empty))
        {
            ModelId = response?.ModelId,
            Usage = response is null ? null : new UsageDetails { InputTokenCount = response.InputTokens, CachedInputTokenCount = response.CachedInputTokens, OutputTokenCount = response.OutputTokens, TotalTokenCount = response.InputTokens + response.OutputTokens },
        };
        var contexts = new List<EvaluationContext>
        {
            new RetrievedSourcesContext(response?.SourceIds ?? []),
            new RunStatisticsContext(TimeSpan.FromMilliseconds(response?.LatencyMs ?? 0), chatResponse.Usage, cost),
        };
        if (item.ExpectedOutputs.Count > 0)
        {
            contexts.Add(new ExpectedOutputsContext(item.ExpectedOutputs));
        }

        if (item.RelevantDocuments.Count > 0)
        {
            contexts.Add(new RelevanceJudgmentsContext(item.RelevantDocuments));
        }

        var metrics = new List<MetricValue>();
        foreach (var evaluator in evaluators)
        {
            EvaluationResult result;
            try
            {
                result = await evaluator.EvaluateAsync(messages, chatResponse, judge, contexts, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                foreach (var name in evaluator.EvaluationMetricNames)
                {
                    metrics.Add(new MetricValue { Name = name, Error = $"{evaluator.GetType().Name} threw {ex.GetType().Name}: {ex.Message}" });
                }

                continue;
            }

            foreach (var metric in result.Metrics.Values)
            {
                var errors = metric.Diagnostics?.Where(d => d.Severity == EvaluationDiagnosticSeverity.Error).Select(d => d.Message).ToArray() ?? [];
                var (value, binary) = metric switch
                {
                    NumericMetric n => (n.Value, false),
                    BooleanMetric b => (b.Value is { } v ? (v ? 1.0 : 0.0) : (double?)null, true),
                    _ => ((double?)null, false),
                };
                if (metric is not NumericMetric and not BooleanMetric)
                {
                    continue; // string metrics carry no score to aggregate
                }

                metrics.Add(new MetricValue
                {
                    Name = metric.Name,
                    Value = errors.Length > 0 ? null : value,
                    IsBinary = binary,
                    // Only error diagnostics make an error (this library's evaluators and Microsoft's add one whenever they
                    // fail); a value left empty without one (a cost without a price) is missing, not failed.
                    Error = errors.Length > 0 ? string.Join(" ", errors) : null,
                    Reason = metric.Reason,
                });
            }
        }

        return metrics;
    }

    private async Task<RunRecord> RunOneAsync(ExperimentStrategy entry, EvaluationItem item, int repeat, IReadOnlyList<IEvaluator> evaluators, RateLimiter? rateLimiter, CancellationToken cancellationToken)
    {
        var strategy = entry.Strategy;
        var key = ResponseCacheKey.For(strategy.Fingerprint, entry.Model, item.Id, item.Input, repeat);
        RecordedResponse? response = null;
        string? error = null;
        var fromCache = false;
        if (_cache is not null)
        {
            response = await _cache.GetAsync(key, cancellationToken).ConfigureAwait(false);
            fromCache = response is not null;
        }

        if (response is null)
        {
            try
            {
                // Wait for the rate limiter first, so the measured latency is the strategy's, not the queue's.
                using var lease = rateLimiter is null ? null : await rateLimiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
                var start = _timeProvider.GetTimestamp();
                var result = await strategy.RunAsync(new StrategyRequest(item.Input) { Id = item.Id }, cancellationToken).ConfigureAwait(false);
                response = RecordedResponse.From(result);
                if (response.LatencyMs <= 0)
                {
                    response = WithLatency(response, _timeProvider.GetElapsedTime(start).TotalMilliseconds);
                }

                if (_cache is not null)
                {
                    await _cache.SetAsync(key, response, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                error = $"{ex.GetType().Name}: {ex.Message}";
            }
        }

        var cost = response is null ? (decimal?)null : ExperimentRun.CostOf(_prices, entry.Model, response);

        // A failed run is not scored: a connection error is not an answer of quality 0. It counts as a strategy error
        // (the report lists it, the regression gate fails on it) and leaves the item's scores missing.
        var metrics = response is null ? [] : await EvaluateAsync(evaluators, item, response, cost, _judge, cancellationToken).ConfigureAwait(false);
        return new RunRecord
        {
            StrategyName = strategy.Name,
            Fingerprint = strategy.Fingerprint.Value,
            ItemId = item.Id,
            Repeat = repeat,
            Response = response,
            Error = error,
            FromCache = fromCache,
            Cost = cost,
            Metrics = metrics,
        };
    }

    private static RecordedResponse WithLatency(RecordedResponse r, double latencyMs) => new()
    {
        Outcome = r.Outcome,
        Answer = r.Answer,
        ModelId = r.ModelId,
        SourceIds = r.SourceIds,
        InputTokens = r.InputTokens,
        CachedInputTokens = r.CachedInputTokens,
        OutputTokens = r.OutputTokens,
        LatencyMs = latencyMs,
    };

    private TokenBucketRateLimiter? BuildRateLimiter()
    {
        if (_options.RequestsPerSecond is not { } rps)
        {
            return null;
        }

        // A token bucket refilled every 1/rps seconds with one permit (or every second with rps permits when rps ≥ 1),
        // with an unbounded queue: callers wait their turn instead of being rejected.
        var perSecond = rps >= 1;
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perSecond ? (int)Math.Ceiling(rps) : 1,
            TokensPerPeriod = perSecond ? (int)Math.Ceiling(rps) : 1,
            ReplenishmentPeriod = perSecond ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(1 / rps),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }
}
