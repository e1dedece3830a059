namespace LlmStrategies.Experiments;

/// <summary>How far an experiment is, reported after every finished (strategy, item, repeat).</summary>
/// <param name="Completed">Finished runs, including those resumed from the checkpoint and served from the cache.</param>
/// <param name="Total">All runs of the experiment (strategies × items × repeats).</param>
/// <param name="Reused">Runs resumed from the checkpoint or served from the response cache (no model call).</param>
/// <param name="SpentCost">The cost of the runs made so far in this process, in the price table's currency.</param>
/// <param name="StrategyName">The strategy of the run that just finished, or <see langword="null"/> for the initial report.</param>
public readonly record struct ExperimentProgress(int Completed, int Total, int Reused, decimal SpentCost, string? StrategyName);
