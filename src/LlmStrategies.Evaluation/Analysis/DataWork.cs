using LlmStrategies.Experiments;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// Data work, the 80 %: profile a dataset, find out where and why a strategy fails, and rank what to fix first, from the
/// dataset and a finished experiment's records (no model calls). Review the failures with <see cref="ReviewExport"/> and
/// bring the verdicts back with <see cref="ReviewImporter"/>.
/// </summary>
/// <remarks>
/// The embedding generator is a parameter so that this package does not depend on any model: pass the local
/// USE-Lite generator (LlmStrategies.Embeddings.Local) for near-duplicates and failure clusters, or <see langword="null"/>
/// to skip both (everything else still runs). Pass a tokenizer in <see cref="DataWorkOptions.Tokenizer"/> (for example
/// <c>PromptTokenizers.O200kBase</c> from LlmStrategies.Tokenizers) for lengths in real tokens.
/// </remarks>
public static class DataWork
{
    /// <summary>Profiles a dataset: counts, lengths, script mix, gaps, label balance, duplicates and answerability.</summary>
    /// <param name="dataset">The dataset, with its corpus for RAG data.</param>
    /// <param name="splits">Its splits (the manifest applied to this dataset), or <see langword="null"/> to profile it as one set.</param>
    /// <param name="options">Settings; default <see cref="DataWorkOptions"/>.</param>
    /// <param name="embeddings">The embedding generator for near-duplicates, or <see langword="null"/> for exact duplicates only.</param>
    /// <param name="cancellationToken">Cancels the embedding calls and the neighbour search.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="ArgumentException">The splits were made from another version of the dataset.</exception>
    public static async Task<DatasetProfile> ProfileAsync(
        EvaluationDataset dataset,
        DatasetSplits? splits = null,
        DataWorkOptions? options = null,
        IEmbeddingGenerator<string, Embedding<float>>? embeddings = null,
        CancellationToken cancellationToken = default)
    {
        options = Check(dataset, splits, options);
        var (profile, _) = await DatasetProfiler.ProfileAsync(dataset, splits, options, embeddings, cancellationToken).ConfigureAwait(false);
        return profile;
    }

    /// <summary>Profiles the dataset and analyses where the run's strategy fails, from the run's records (answers, retrieved sources, every metric).</summary>
    /// <param name="dataset">The whole dataset the test split came from (with its corpus for RAG data).</param>
    /// <param name="splits">Its splits, or <see langword="null"/> (then split leakage is not checked).</param>
    /// <param name="run">The finished experiment.</param>
    /// <param name="options">Settings; default <see cref="DataWorkOptions"/>.</param>
    /// <param name="embeddings">The embedding generator for near-duplicates and failure clusters, or <see langword="null"/> to skip both.</param>
    /// <param name="cancellationToken">Cancels the embedding calls and the neighbour search.</param>
    /// <returns>The report: profile, failure analysis and what to fix first.</returns>
    /// <exception cref="ArgumentException">The run was scored on other items than this dataset holds, the metric or strategy is unknown, or a score is outside the options' score range.</exception>
    public static Task<DataWorkReport> AnalyzeAsync(
        EvaluationDataset dataset,
        DatasetSplits? splits,
        ExperimentRun run,
        DataWorkOptions? options = null,
        IEmbeddingGenerator<string, Embedding<float>>? embeddings = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        return AnalyzeAsync(dataset, splits, RunOutcomes.From(run), options, embeddings, cancellationToken);
    }

    /// <summary>
    /// Profiles the dataset and analyses where a strategy fails from a saved report (per-item scores only: no answers,
    /// so no answer-in-context check, and "gold passage in context" comes from the per-item MRR).
    /// </summary>
    /// <param name="dataset">The whole dataset the test split came from.</param>
    /// <param name="splits">Its splits, or <see langword="null"/>.</param>
    /// <param name="report">The experiment report (for example loaded with <see cref="ExperimentReport.Load"/>).</param>
    /// <param name="options">Settings; default <see cref="DataWorkOptions"/>.</param>
    /// <param name="embeddings">The embedding generator, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the embedding calls and the neighbour search.</param>
    /// <returns>The report.</returns>
    /// <exception cref="ArgumentException">The report was made on other items than this dataset holds, the metric or strategy is unknown, or a score is outside the options' score range.</exception>
    public static Task<DataWorkReport> AnalyzeAsync(
        EvaluationDataset dataset,
        DatasetSplits? splits,
        ExperimentReport report,
        DataWorkOptions? options = null,
        IEmbeddingGenerator<string, Embedding<float>>? embeddings = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        return AnalyzeAsync(dataset, splits, RunOutcomes.From(report), options, embeddings, cancellationToken);
    }

    private static async Task<DataWorkReport> AnalyzeAsync(
        EvaluationDataset dataset,
        DatasetSplits? splits,
        RunOutcomes outcomes,
        DataWorkOptions? options,
        IEmbeddingGenerator<string, Embedding<float>>? embeddings,
        CancellationToken cancellationToken)
    {
        options = Check(dataset, splits, options);
        CheckSameItems(dataset, outcomes);
        var metric = ResolveMetric(outcomes, options);
        var strategy = ResolveStrategy(outcomes, options, metric);
        var (profile, evidence) = await DatasetProfiler.ProfileAsync(dataset, splits, options, embeddings, cancellationToken).ConfigureAwait(false);
        var (failures, context) = FailureAnalyzer.Analyze(outcomes, evidence, strategy, metric, options);
        var findings = FindingRanker.Rank(profile, failures, context, options);
        return new DataWorkReport
        {
            Profile = profile,
            Failures = failures,
            Findings = findings,
            ItemDetails = ItemDetails(failures, findings, context),
            Notes = ["Every figure comes from the dataset and the run's records; no model was called. Potential gains are upper bounds per finding and overlap."],
        };
    }

    private static DataWorkOptions Check(EvaluationDataset dataset, DatasetSplits? splits, DataWorkOptions? options)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= new DataWorkOptions();
        options.Validate();
        if (splits is not null && !string.Equals(splits.Manifest.DatasetFingerprint, dataset.Fingerprint, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The splits were made from dataset fingerprint {splits.Manifest.DatasetFingerprint}, but '{dataset.Name}' has fingerprint {dataset.Fingerprint}; pass the dataset the splits came from.", nameof(splits));
        }

        return options;
    }

    /// <summary>The run's test items must be these items, unchanged: otherwise failures would be read against the wrong gold.</summary>
    private static void CheckSameItems(EvaluationDataset dataset, RunOutcomes outcomes)
    {
        var missing = outcomes.ItemIds.FirstOrDefault(id => !dataset.TryGetItem(id, out _));
        if (missing is not null)
        {
            throw new ArgumentException($"Test item '{missing}' of experiment '{outcomes.Name}' is not in dataset '{dataset.Name}'; pass the dataset the experiment ran on.", nameof(dataset));
        }

        var fingerprint = dataset.Subset(outcomes.TestSet.Name, outcomes.ItemIds).Fingerprint;
        if (!string.Equals(fingerprint, outcomes.TestSet.Fingerprint, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Experiment '{outcomes.Name}' was scored on test items with fingerprint {outcomes.TestSet.Fingerprint}, but the same ids in '{dataset.Name}' have fingerprint {fingerprint}: an input, a gold answer or the corpus changed since the run. Analyse it against the dataset version it ran on.",
                nameof(dataset));
        }
    }

    internal static string ResolveMetric(RunOutcomes outcomes, DataWorkOptions options)
    {
        var lowerIsBetter = outcomes.ReportLowerIsBetter ?? [.. new ReportOptions().LowerIsBetter];
        var metric = options.PrimaryMetric ?? outcomes.ReportPrimaryMetric ?? outcomes.Metrics.FirstOrDefault(m => !lowerIsBetter.Contains(m, StringComparer.Ordinal));
        if (metric is null || !outcomes.Metrics.Contains(metric, StringComparer.Ordinal))
        {
            throw new ArgumentException($"The metric '{metric}' is not a metric of experiment '{outcomes.Name}' (it has: {string.Join(", ", outcomes.Metrics)}); set DataWorkOptions.PrimaryMetric to one of them.", nameof(options));
        }

        foreach (var strategy in outcomes.Strategies)
        {
            foreach (var value in outcomes.Scores(strategy, metric))
            {
                if (value is { } v && (v < options.ScoreMinimum || v > options.ScoreMaximum))
                {
                    throw new ArgumentException($"Strategy '{strategy}' has a '{metric}' score of {v}, outside [{options.ScoreMinimum}, {options.ScoreMaximum}]; set DataWorkOptions.ScoreMinimum and ScoreMaximum to the metric's range (and SuccessThreshold to what counts as correct).", nameof(options));
                }
            }
        }

        return metric;
    }

    private static string ResolveStrategy(RunOutcomes outcomes, DataWorkOptions options, string metric)
    {
        if (options.Strategy is { } named)
        {
            return outcomes.Strategies.Contains(named, StringComparer.Ordinal)
                ? named
                : throw new ArgumentException($"DataWorkOptions.Strategy is '{named}', which is not in experiment '{outcomes.Name}' (it has: {string.Join(", ", outcomes.Strategies)}).", nameof(options));
        }

        string? best = null;
        var bestMean = double.NegativeInfinity;
        foreach (var strategy in outcomes.Strategies)
        {
            var values = outcomes.Scores(strategy, metric).Where(v => v is not null).Select(v => v!.Value).ToArray();
            if (values.Length > 0 && values.Average() > bestMean)
            {
                best = strategy;
                bestMean = values.Average();
            }
        }

        return best ?? throw new ArgumentException($"No strategy of experiment '{outcomes.Name}' has a score on '{metric}'; every run failed or could not be scored.", nameof(options));
    }

    /// <summary>The items the report links to: findings, flips, cluster representatives and the worst slices' failures.</summary>
    private static List<ItemDetail> ItemDetails(FailureAnalysis failures, List<DataWorkFinding> findings, FailureContext context)
    {
        const int PerList = 10;
        var ids = new List<string>();
        ids.AddRange(findings.SelectMany(f => f.Items));
        ids.AddRange(failures.Comparisons.SelectMany(c => c.FixedItems.Take(PerList).Concat(c.BrokenItems.Take(PerList))));
        ids.AddRange(failures.Clusters.Clusters.SelectMany(c => c.Representatives));
        ids.AddRange(failures.Slices.Where(s => s.Flagged).SelectMany(s => s.Items.Take(PerList)));
        var answers = context.Outcomes.Answers?[context.Strategy];
        var sources = context.Outcomes.Sources?[context.Strategy];
        var items = context.Evidence.Items;
        var details = new List<ItemDetail>();
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            var run = context.Outcomes.IndexOf(id);
            if (run < 0)
            {
                continue;
            }

            var index = context.DatasetIndex[run];
            details.Add(new ItemDetail
            {
                Id = id,
                Input = items.Items[index].Input,
                Gold = items.Gold(index),
                Answer = answers?[run],
                Score = context.Scores[run],
                Sources = sources?[run] ?? [],
                Cause = context.Attribution?.Items[run].Cause,
            });
        }

        return details;
    }
}
