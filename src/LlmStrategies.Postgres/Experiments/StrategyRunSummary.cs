using LlmStrategies.Experiments;

namespace LlmStrategies.Postgres.Experiments;

/// <summary>One stored run of one strategy: when, on which dataset version, with which fingerprint, and its metrics.</summary>
/// <param name="RunId">The run's id in the history.</param>
/// <param name="RunName">The experiment's name.</param>
/// <param name="Strategy">The strategy's name.</param>
/// <param name="Fingerprint">The strategy's fingerprint in that run.</param>
/// <param name="DatasetName">The dataset's name.</param>
/// <param name="DatasetFingerprint">The dataset's content fingerprint in that run.</param>
/// <param name="CompletedAt">When the run completed.</param>
/// <param name="AcceptedAt">When the run was accepted as a baseline, or <see langword="null"/>.</param>
/// <param name="Metrics">The strategy's metric summaries in that run.</param>
public sealed record StrategyRunSummary(
    long RunId,
    string RunName,
    string Strategy,
    string Fingerprint,
    string DatasetName,
    string DatasetFingerprint,
    DateTimeOffset CompletedAt,
    DateTimeOffset? AcceptedAt,
    IReadOnlyList<MetricSummary> Metrics);
