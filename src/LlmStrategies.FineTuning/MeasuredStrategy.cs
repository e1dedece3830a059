using LlmStrategies.Experiments;
using LlmStrategies.Tuning;

namespace LlmStrategies.FineTuning;

/// <summary>
/// One strategy's measurements from an experiment: its per-item quality scores on the test items, the tokens of a
/// typical call and the prices of the model it calls.
/// </summary>
/// <param name="Name">The strategy's name (for example "rag-top5" or "ft-gpt-4o-mini").</param>
/// <param name="Scores">Per-item quality scores on the test items, in a fixed item order shared with the other strategy.</param>
/// <param name="TokensPerCall">The tokens of a typical call (usually the mean over the test items).</param>
/// <param name="Prices">The prices of the model the strategy calls (a fine-tuned model often costs more per token than its base).</param>
public sealed record MeasuredStrategy(string Name, IReadOnlyList<double> Scores, TokensPerCall TokensPerCall, ModelPrice Prices)
{
    /// <summary>
    /// Takes one strategy's measurements from an experiment report: its per-item scores on <paramref name="metric"/> in
    /// the report's item order (the same order for every strategy of the report, so two of them are paired), its mean
    /// tokens per call and the prices of its declared model from the report's price table.
    /// </summary>
    /// <param name="report">The experiment report.</param>
    /// <param name="strategy">The strategy's name in the report.</param>
    /// <param name="metric">The quality metric; <see langword="null"/> for the report's primary metric.</param>
    /// <returns>The measurements.</returns>
    /// <exception cref="ArgumentException">
    /// The report has no such strategy or metric, an item of the strategy is unscored (a failed call: rerun it first), or
    /// the strategy's model has no price in the report.
    /// </exception>
    public static MeasuredStrategy FromReport(ExperimentReport report, string strategy, string? metric = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(strategy);
        metric ??= report.Settings.PrimaryMetric;
        var summary = report.Strategies.FirstOrDefault(s => s.Strategy.Name == strategy)
            ?? throw new ArgumentException($"The report has no strategy '{strategy}' (it has: {string.Join(", ", report.Strategies.Select(s => s.Strategy.Name))}).", nameof(strategy));
        var scores = new List<double>();
        foreach (var item in report.Items.Where(i => i.Strategy == strategy))
        {
            if (!item.Scores.TryGetValue(metric, out var score))
            {
                throw new ArgumentException($"The report has no metric '{metric}' (it has: {string.Join(", ", item.Scores.Keys)}).", nameof(metric));
            }

            scores.Add(score ?? throw new ArgumentException($"Item '{item.Item}' of '{strategy}' has no {metric} score (its call or evaluation failed; see the report's errors). Rerun it before comparing, or the comparison would silently drop that item.", nameof(report)));
        }

        if (summary.Strategy.Model is not { } model || !report.Prices.TryGetValue(model, out var prices))
        {
            throw new ArgumentException($"'{strategy}' declares {(summary.Strategy.Model is null ? "no model" : $"model '{summary.Strategy.Model}'")}, which has no price in the report's price table; add it to the table the experiment runs with.", nameof(report));
        }

        var calls = Math.Max(1, summary.Runs - summary.StrategyErrors);
        var tokens = new TokensPerCall((double)summary.Cost.InputTokens / calls, (double)summary.Cost.OutputTokens / calls, (double)summary.Cost.CachedInputTokens / calls);
        return new MeasuredStrategy(strategy, scores, tokens, prices);
    }

    /// <summary>
    /// Takes one cell of a model × strategy grid: its per-item scores in the grid's item order, its mean tokens per call
    /// and its model's price. The name is the grid's cell name ("strategy @ model").
    /// </summary>
    /// <param name="grid">The grid report.</param>
    /// <param name="cell">One of the report's cells.</param>
    /// <returns>The measurements.</returns>
    /// <exception cref="ArgumentException">An item of the cell is unscored (rerun it first), or the cell's model has no price in the grid.</exception>
    public static MeasuredStrategy FromGridCell(ModelStrategyGridReport grid, GridCellReport cell)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(cell);
        var name = ModelStrategyGrid.CellName(cell.Strategy, cell.Model);
        var scores = new double[cell.Scores.Count];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = cell.Scores[i] ?? throw new ArgumentException($"Item '{(i < grid.ItemIds.Count ? grid.ItemIds[i] : i.ToString(System.Globalization.CultureInfo.InvariantCulture))}' of '{name}' has no score (its call or evaluation failed). Rerun it before comparing, or the comparison would silently drop that item.", nameof(cell));
        }

        var price = grid.PriceOf(cell.Model)
            ?? throw new ArgumentException($"Model '{cell.Model}' has no price in the grid; give the grid's models prices so the switch can be costed.", nameof(grid));
        return new MeasuredStrategy(name, scores, new TokensPerCall(cell.InputTokensPerCall, cell.OutputTokensPerCall, cell.CachedInputTokensPerCall), price);
    }

    /// <summary>
    /// The best strategy of every model in a grid except the given ones (usually the fine-tuned model and its base), as
    /// switch-model alternatives for <see cref="FineTuningAdvisorInput.SwitchModelAlternatives"/>: see
    /// <see cref="ModelStrategyGridReport.BestStrategyPerModel"/> for how the best cell is chosen. The grid must have run
    /// on the same test items, in the same order, as the strategies the advisor compares.
    /// </summary>
    /// <param name="grid">The grid report.</param>
    /// <param name="exceptModels">Models to leave out.</param>
    /// <returns>One measured strategy per remaining model.</returns>
    public static IReadOnlyList<MeasuredStrategy> BestPerModel(ModelStrategyGridReport grid, params IEnumerable<string> exceptModels)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(exceptModels);
        var excluded = exceptModels.ToHashSet(StringComparer.Ordinal);
        return grid.BestStrategyPerModel().Where(c => !excluded.Contains(c.Model)).Select(c => FromGridCell(grid, c)).ToArray();
    }
}
