using System.Globalization;
using LlmStrategies.Evaluation;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Experiments;

public sealed partial class ExperimentRunner
{
    /// <summary>Estimates the calls, tokens and cost still to spend (runs in the checkpoint or the cache are free).</summary>
    /// <param name="strategies">The strategies.</param>
    /// <param name="testSet">The test items.</param>
    /// <param name="evaluators">The evaluators (they are part of the checkpoint's identity).</param>
    /// <param name="cancellationToken">Cancels the cache lookups.</param>
    /// <returns>The estimate.</returns>
    public async Task<CostEstimate> EstimateAsync(IEnumerable<ExperimentStrategy> strategies, EvaluationDataset testSet, IEnumerable<IEvaluator> evaluators, CancellationToken cancellationToken = default)
    {
        var plan = Plan(strategies, testSet, evaluators);
        var done = ReadCheckpointKeys(plan);
        return await EstimateAsync(plan, done, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Tokens of a text by the common four-characters-per-token rule of thumb (rounded up).</summary>
    internal static long EstimateTokens(string text) => (text.Length + 3) / 4;

    private void CheckBudget(CostEstimate estimate)
    {
        if (_options.Budget is not { } budget)
        {
            return;
        }

        var unpriced = estimate.Strategies.Where(s => s.Calls > 0 && s.Cost is null).Select(s => $"'{s.StrategyName}' (model '{s.Model ?? "not declared"}')").ToArray();
        if (unpriced.Length > 0)
        {
            throw new InvalidOperationException($"Experiment '{_options.Name}' has a budget of {budget} {_prices.Currency} but cannot price {string.Join(", ", unpriced)}: declare each strategy's model (new ExperimentStrategy(strategy, model)) and add it to the price table.");
        }

        if (estimate.Cost > budget)
        {
            throw new BudgetExceededException(
                string.Create(CultureInfo.InvariantCulture, $"Experiment '{_options.Name}' is estimated at {estimate}, over its budget of {budget} {_prices.Currency}. Nothing was run. Raise ExperimentOptions.Budget, use fewer items or repeats, or cheaper models."),
                budget,
                estimate.Cost.Value);
        }
    }

    private async Task<CostEstimate> EstimateAsync(ExperimentPlan plan, HashSet<(string, string, int)> done, CancellationToken cancellationToken)
    {
        var estimates = new List<StrategyCostEstimate>();
        foreach (var entry in plan.Strategies)
        {
            int calls = 0, reused = 0;
            long input = 0;
            foreach (var item in plan.Items)
            {
                for (var repeat = 0; repeat < _options.Repeats; repeat++)
                {
                    if (done.Contains((entry.Strategy.Name, item.Id, repeat))
                        || (_cache is not null && await _cache.GetAsync(ResponseCacheKey.For(entry.Strategy.Fingerprint, entry.Model, item.Id, item.Input, repeat), cancellationToken).ConfigureAwait(false) is not null))
                    {
                        reused++;
                        continue;
                    }

                    calls++;
                    input += EstimateTokens(item.Input) + (entry.EstimatedPromptOverheadTokens ?? _options.EstimatedPromptOverheadTokens);
                }
            }

            long output = (long)calls * _options.EstimatedOutputTokens;
            var cost = calls == 0 ? 0 : _prices.Cost(entry.Model, input, 0, output);
            estimates.Add(new StrategyCostEstimate(entry.Strategy.Name, entry.Model, calls, reused, input, output, cost));
        }

        return new CostEstimate(estimates, _prices.Currency);
    }

    private HashSet<(string, string, int)> ReadCheckpointKeys(ExperimentPlan plan)
    {
        if (_options.CheckpointPath is null || !File.Exists(_options.CheckpointPath))
        {
            return [];
        }

        using var checkpoint = JsonlJournal<RunRecord>.Open(_options.CheckpointPath, CheckpointSchema, 1, plan.Identity, ExperimentJsonContext.Default.RunRecord, "checkpoint", readOnly: true);
        return checkpoint.Records.Select(r => (r.StrategyName, r.ItemId, r.Repeat)).ToHashSet();
    }

    private ExperimentPlan Plan(IEnumerable<ExperimentStrategy> strategies, EvaluationDataset testSet, IEnumerable<IEvaluator> evaluators)
    {
        ArgumentNullException.ThrowIfNull(strategies);
        ArgumentNullException.ThrowIfNull(testSet);
        ArgumentNullException.ThrowIfNull(evaluators);
        var list = strategies.ToArray();
        var evaluatorList = evaluators.ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException("An experiment needs at least one strategy.", nameof(strategies));
        }

        if (testSet.Items.Count == 0)
        {
            throw new ArgumentException($"Test set '{testSet.Name}' has no items.", nameof(testSet));
        }

        var duplicate = list.GroupBy(s => s.Strategy.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two strategies are named '{duplicate.Key}'; names identify strategies in results, so make them unique.", nameof(strategies));
        }

        using var identity = new ContentHash();
        identity.Add("experiment").Add(testSet.Fingerprint).Add(_options.Repeats.ToString(CultureInfo.InvariantCulture));
        foreach (var s in list)
        {
            identity.Add(s.Strategy.Name).Add(s.Strategy.Fingerprint.Value).Add(s.Model);
        }

        foreach (var name in evaluatorList.SelectMany(e => e.EvaluationMetricNames))
        {
            identity.Add(name);
        }

        return new ExperimentPlan(list, testSet.Items, evaluatorList, identity.Finish());
    }

    private sealed record ExperimentPlan(IReadOnlyList<ExperimentStrategy> Strategies, IReadOnlyList<EvaluationItem> Items, IReadOnlyList<IEvaluator> Evaluators, string Identity);
}
