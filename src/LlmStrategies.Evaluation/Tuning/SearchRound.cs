namespace LlmStrategies.Tuning;

/// <summary>One round of a search: the candidates scored, on how many dev items, and what it cost.</summary>
/// <param name="Index">The round, from 0.</param>
/// <param name="Items">The dev items scored (a seeded prefix of dev for successive halving; all of dev otherwise).</param>
/// <param name="Candidates">The candidates scored.</param>
/// <param name="Kept">The candidates kept for the next round (1 in the last round: the choice).</param>
/// <param name="UncachedRuns">Runs that called the strategy (not served from the response cache).</param>
/// <param name="CachedRuns">Runs served from the response cache (items scored in an earlier round, or earlier sessions).</param>
/// <param name="Cost">What the uncached runs cost, or <see langword="null"/> when the model has no price.</param>
public sealed record SearchRound(int Index, int Items, int Candidates, int Kept, int UncachedRuns, int CachedRuns, decimal? Cost);
