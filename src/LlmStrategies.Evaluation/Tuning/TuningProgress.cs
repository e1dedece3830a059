namespace LlmStrategies.Tuning;

/// <summary>Progress of a tuner: which phase and round, and how many runs of the current run are done.</summary>
/// <param name="Phase">The phase, for example "search round 2 of 4", "bootstrap" or "hold-out".</param>
/// <param name="Completed">Runs finished in the current experiment (cache hits included).</param>
/// <param name="Total">Runs of the current experiment.</param>
/// <param name="Spent">What this tuner has spent so far, in the price table's currency.</param>
public readonly record struct TuningProgress(string Phase, int Completed, int Total, decimal Spent);
