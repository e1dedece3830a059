namespace LlmStrategies.Tuning;

/// <summary>How one candidate configuration scored during a search.</summary>
/// <param name="Point">The configuration.</param>
/// <param name="Fingerprint">Its strategy fingerprint.</param>
/// <param name="Mean">Its mean metric on the largest dev sample it was scored on (a failed run counts as 0).</param>
/// <param name="Items">The size of that sample.</param>
/// <param name="Errors">Runs on that sample that failed.</param>
/// <param name="EliminatedInRound">The round after which it was dropped, or <see langword="null"/> when it is the choice.</param>
/// <param name="Duplicates">Other points of the search that built the same strategy (same fingerprint) and were scored as this one.</param>
public sealed record CandidateScore(SearchPoint Point, string Fingerprint, double Mean, int Items, int Errors, int? EliminatedInRound, IReadOnlyList<SearchPoint> Duplicates);
