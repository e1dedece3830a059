using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Pipeline;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Tuning;

/// <summary>
/// Models × strategies as one experiment: every strategy is built on every model (each cell a pipeline named
/// "strategy @ model", priced at its model's price) and all cells run on the same items in one
/// <see cref="ExperimentRunner"/> run, so every comparison is paired. <see cref="ModelStrategyGridReport"/> pivots the
/// run (rows strategies, columns models, quality and cost per cell) and answers whether a new model with a simple
/// strategy matches an old model with an elaborate (or fine-tuned) one, and at what cost.
/// </summary>
public sealed class ModelStrategyGrid
{
    private readonly List<GridCell> _cells = [];

    /// <summary>Creates a grid.</summary>
    /// <param name="models">The models (columns); names unique.</param>
    /// <param name="strategies">The strategies (rows); names unique.</param>
    /// <param name="defaults">Pipeline settings every cell starts from, or <see langword="null"/>.</param>
    /// <param name="include">Which cells to run (for example not RAG on a fine-tuned model), or <see langword="null"/> for all.</param>
    /// <exception cref="ArgumentException">A list is empty, a name repeats, or no cell is included.</exception>
    public ModelStrategyGrid(IEnumerable<GridModel> models, IEnumerable<GridStrategy> strategies, StrategyPipelineOptions? defaults = null, Func<GridModel, GridStrategy, bool>? include = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(strategies);
        Models = models.ToArray();
        Strategies = strategies.ToArray();
        Unique(Models.Select(m => m?.Name), "model", nameof(models));
        Unique(Strategies.Select(s => s?.Name), "strategy", nameof(strategies));
        foreach (var strategy in Strategies)
        {
            foreach (var model in Models)
            {
                if (include is not null && !include(model, strategy))
                {
                    continue;
                }

                var builder = new StrategyPipelineBuilder(CellName(strategy.Name, model.Name), model.ChatClient, defaults);
                strategy.Configure(builder);
                _cells.Add(new GridCell(strategy.Name, model.Name, new ExperimentStrategy(builder.Build(), model.PriceKey)));
            }
        }

        if (_cells.Count == 0)
        {
            throw new ArgumentException("The include filter left no cell to run.", nameof(include));
        }
    }

    /// <summary>Gets the models.</summary>
    public IReadOnlyList<GridModel> Models { get; }

    /// <summary>Gets the strategies.</summary>
    public IReadOnlyList<GridStrategy> Strategies { get; }

    /// <summary>Gets the experiment entries, one per cell, strategy by strategy.</summary>
    public IReadOnlyList<ExperimentStrategy> Entries => _cells.Select(c => c.Entry).ToArray();

    internal IReadOnlyList<GridCell> Cells => _cells;

    /// <summary>The name of a cell's pipeline in the experiment: "strategy @ model".</summary>
    /// <param name="strategy">The strategy's name.</param>
    /// <param name="model">The model's name.</param>
    /// <returns>The name.</returns>
    public static string CellName(string strategy, string model) => $"{strategy} @ {model}";

    /// <summary>Estimates the grid's calls and cost before running it.</summary>
    /// <param name="runner">The runner (its prices, cache and checkpoint).</param>
    /// <param name="items">The items.</param>
    /// <param name="evaluators">The evaluators.</param>
    /// <param name="cancellationToken">Cancels the cache lookups.</param>
    /// <returns>The estimate.</returns>
    public Task<CostEstimate> EstimateAsync(ExperimentRunner runner, EvaluationDataset items, IEnumerable<IEvaluator> evaluators, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runner);
        return runner.EstimateAsync(Entries, items, evaluators, cancellationToken);
    }

    /// <summary>Runs every cell on the items as one experiment and pivots the result.</summary>
    /// <param name="runner">The runner (prices, budget, cache, checkpoint, parallelism).</param>
    /// <param name="items">The items (usually the test split).</param>
    /// <param name="evaluators">The evaluators; one of them computes <see cref="GridReportOptions.Metric"/>.</param>
    /// <param name="options">The metric, the questions to answer and the statistics.</param>
    /// <param name="progress">Receives progress, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The pivot report.</returns>
    public async Task<ModelStrategyGridReport> RunAsync(ExperimentRunner runner, EvaluationDataset items, IEnumerable<IEvaluator> evaluators, GridReportOptions options, IProgress<ExperimentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        var run = await runner.RunAsync(Entries, items, evaluators, progress, cancellationToken).ConfigureAwait(false);
        return ModelStrategyGridReport.Create(run, this, options);
    }

    private static void Unique(IEnumerable<string?> names, string what, string parameter)
    {
        var list = names.ToArray();
        if (list.Length == 0 || list.Any(n => n is null))
        {
            throw new ArgumentException($"A grid needs at least one {what}, and no null entries.", parameter);
        }

        var repeated = list.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw new ArgumentException($"Two {what} entries are named '{repeated.Key}'; names label the pivot, so make them unique.", parameter);
        }
    }
}

/// <summary>One cell of a grid: its strategy, its model and its experiment entry.</summary>
internal sealed record GridCell(string Strategy, string Model, ExperimentStrategy Entry);
