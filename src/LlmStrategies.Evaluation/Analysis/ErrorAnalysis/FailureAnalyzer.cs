using System.Globalization;
using LlmStrategies.Evaluation.Statistics;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>What the failure analysis knows per test item, for the findings and the item details.</summary>
internal sealed class FailureContext(RunOutcomes outcomes, ProfileEvidence evidence, int[] datasetIndex, string strategy, string metric, FailureAttributionSummary? attribution)
{
    public RunOutcomes Outcomes { get; } = outcomes;

    public ProfileEvidence Evidence { get; } = evidence;

    /// <summary>Gets each test item's index in the dataset (run item order).</summary>
    public int[] DatasetIndex { get; } = datasetIndex;

    public string Strategy { get; } = strategy;

    public string Metric { get; } = metric;

    public double?[] Scores { get; } = outcomes.Scores(strategy, metric);

    /// <summary>Gets the analysed strategy's attribution, or <see langword="null"/> when it did not retrieve or there are no gold passages.</summary>
    public FailureAttributionSummary? Attribution { get; } = attribution;

    public int ScoredCount => Scores.Count(s => s is not null);
}

/// <summary>Builds a <see cref="FailureAnalysis"/> from a run's outcomes and the dataset profile's evidence.</summary>
internal static class FailureAnalyzer
{
    public const string RetrievalFeature = "gold passage in context";
    public const string AnswerabilityFeature = "gold answer in corpus";

    public static (FailureAnalysis Analysis, FailureContext Context) Analyze(RunOutcomes outcomes, ProfileEvidence evidence, string strategy, string metric, DataWorkOptions options)
    {
        var datasetIndex = outcomes.ItemIds.Select(id => evidence.Items.TryGetIndex(id, out var i)
            ? i
            : throw new ArgumentException($"Test item '{id}' of experiment '{outcomes.Name}' is not in the dataset; pass the dataset the experiment ran on.", nameof(outcomes))).ToArray();
        var notes = new List<string>();
        if (outcomes.Repeats > 1)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"Each item ran {outcomes.Repeats} times: scores are the mean over repeats; answers and sources shown are the first repeat's."));
        }

        if (outcomes.ClusterField is { } clusterField)
        {
            notes.Add($"The experiment treats items of one '{clusterField}' as not independent (its report resamples whole groups); the slice intervals and tests here treat items as independent, so their p-values are optimistic for correlated items: read a flagged slice as a lead and confirm it on new data.");
        }

        if (!outcomes.HasResponses)
        {
            notes.Add("Analysed from a report: per-item scores only (no answers, no retrieved ids); pass the ExperimentRun for answers, contexts and answer-in-context checks.");
        }

        var hasGoldPassages = datasetIndex.Any(i => evidence.Items.Items[i].RelevantDocuments.Any(r => r.Value > 0));
        var attribution = new List<FailureAttributionSummary>();
        string? attributionNote = null;
        if (!hasGoldPassages)
        {
            attributionNote = "No test item has a gold passage (a relevance judgment with grade > 0), so retrieval misses and reading misses cannot be told apart. Add the passage that answers each question (the 'relevant' field) to get the attribution.";
        }
        else
        {
            attribution.AddRange(outcomes.Strategies.Where(s => FailureAttribution.Retrieves(outcomes, s)).Select(s => FailureAttribution.Attribute(outcomes, evidence, datasetIndex, s, metric, options)));
            if (attribution.Count == 0)
            {
                attributionNote = "No strategy put a retrieved document into its prompt, so there is nothing to attribute.";
            }
        }

        var context = new FailureContext(outcomes, evidence, datasetIndex, strategy, metric, attribution.FirstOrDefault(a => a.Strategy == strategy));
        var scored = Enumerable.Range(0, datasetIndex.Length).Where(i => context.Scores[i] is not null).Select(i => (Run: i, Item: datasetIndex[i], Score: context.Scores[i]!.Value)).ToArray();
        if (scored.Length == 0)
        {
            throw new ArgumentException($"Strategy '{strategy}' has no score on '{metric}' for any test item; every run failed or the evaluator could not score. See the report's errors.", nameof(outcomes));
        }

        var values = scored.Select(s => s.Score).ToArray();
        var overallInterval = Bootstrap.Mean(values, options.Seed, options.Resamples, options.ConfidenceLevel);
        var (slices, settings) = Slices(context, scored, values, options);
        var failed = scored.Where(s => !options.IsSuccess(s.Score)).Select(s => s.Item).ToArray();
        var analysis = new FailureAnalysis
        {
            Experiment = outcomes.Name,
            TestSet = outcomes.TestSet,
            Metric = metric,
            Binary = outcomes.Binary.GetValueOrDefault(metric),
            SuccessThreshold = options.SuccessThreshold,
            Strategy = strategy,
            Evidence = outcomes.HasResponses ? "run records" : "report scores",
            Overall = new SliceResult
            {
                Feature = "all",
                Value = "all",
                Count = values.Length,
                Mean = overallInterval.Estimate,
                Lower = overallInterval.Lower,
                Upper = overallInterval.Upper,
                Failures = failed.Length,
                PValue = double.NaN,
                AdjustedPValue = double.NaN,
            },
            Comparisons = Comparisons(outcomes, metric, options, notes),
            SliceSettings = settings,
            Slices = slices,
            Attribution = attribution,
            AttributionNote = attributionNote,
            Clusters = FailureClusterer.Cluster(evidence, failed, scored.Select(s => (s.Item, s.Score)).ToArray(), options),
            Notes = notes,
        };
        return (analysis, context);
    }

    private static List<RungComparison> Comparisons(RunOutcomes outcomes, string metric, DataWorkOptions options, List<string> notes)
    {
        var pairs = options.Comparisons.Count > 0
            ? options.Comparisons.ToArray()
            : outcomes.Strategies.Zip(outcomes.Strategies.Skip(1)).ToArray();
        var result = new List<RungComparison>();
        var binary = outcomes.Binary.GetValueOrDefault(metric);
        foreach (var (first, second) in pairs)
        {
            foreach (var name in new[] { first, second })
            {
                if (!outcomes.Strategies.Contains(name, StringComparer.Ordinal))
                {
                    throw new ArgumentException($"DataWorkOptions.Comparisons names strategy '{name}', which is not in experiment '{outcomes.Name}' (it has: {string.Join(", ", outcomes.Strategies)}).", nameof(options));
                }
            }

            var a = outcomes.Scores(first, metric);
            var b = outcomes.Scores(second, metric);
            var both = Enumerable.Range(0, a.Length).Where(i => a[i] is not null && b[i] is not null).ToArray();
            if (both.Length == 0)
            {
                notes.Add($"{first} and {second} share no scored item on {metric}; not compared.");
                continue;
            }

            var x = both.Select(i => a[i]!.Value).ToArray();
            var y = both.Select(i => b[i]!.Value).ToArray();
            var test = binary
                ? PairedTests.McNemar(x.Select(options.IsSuccess).ToArray(), y.Select(options.IsSuccess).ToArray())
                : PairedTests.Permutation(y, x, options.Seed, options.Resamples);
            var interval = Bootstrap.PairedDifference(y, x, options.Seed, options.Resamples, options.ConfidenceLevel);
            result.Add(new RungComparison
            {
                First = first,
                Second = second,
                Count = both.Length,
                SecondWins = both.Count(i => b[i] > a[i]),
                FirstWins = both.Count(i => a[i] > b[i]),
                Ties = both.Count(i => a[i] == b[i]),
                Difference = interval.Estimate,
                Lower = interval.Lower,
                Upper = interval.Upper,
                Test = test.Method,
                PValue = test.PValue,
                Significant = test.PValue < options.Alpha,
                FixedItems = both.Where(i => !options.IsSuccess(a[i]!.Value) && options.IsSuccess(b[i]!.Value)).Select(i => outcomes.ItemIds[i]).ToArray(),
                BrokenItems = both.Where(i => options.IsSuccess(a[i]!.Value) && !options.IsSuccess(b[i]!.Value)).Select(i => outcomes.ItemIds[i]).ToArray(),
            });
        }

        return result;
    }

    private static (List<SliceResult> Slices, SliceSettings Settings) Slices(FailureContext context, (int Run, int Item, double Score)[] scored, double[] values, DataWorkOptions options)
    {
        var features = Features(context, scored, options);
        var candidates = new List<(string Feature, string Value, int[] Members)>();
        var tooSmall = 0;
        foreach (var (feature, valuesOf) in features)
        {
            var groups = Enumerable.Range(0, scored.Length)
                .Where(k => valuesOf[k] is not null)
                .GroupBy(k => valuesOf[k]!, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal);
            foreach (var group in groups)
            {
                var members = group.ToArray();
                if (members.Length < options.MinSliceSize)
                {
                    tooSmall++;
                }
                else if (members.Length < scored.Length)
                {
                    candidates.Add((feature, group.Key, members));
                }
            }
        }

        var overall = values.Average();
        var pValues = new double[candidates.Count];
        var intervals = new ConfidenceInterval[candidates.Count];
        for (var s = 0; s < candidates.Count; s++)
        {
            var sliceValues = candidates[s].Members.Select(k => values[k]).ToArray();
            pValues[s] = SliceTest.LowerTail(values, sliceValues.Sum(), sliceValues.Length, unchecked(options.Seed + s + 1), options.Resamples);
            intervals[s] = SliceInterval(sliceValues, options);
        }

        var adjusted = MultipleComparisons.Adjust(pValues, options.Correction);
        var slices = candidates.Select((c, s) => new SliceResult
        {
            Feature = c.Feature,
            Value = c.Value,
            Count = c.Members.Length,
            Mean = intervals[s].Estimate,
            Lower = intervals[s].Lower,
            Upper = intervals[s].Upper,
            Failures = c.Members.Count(k => !options.IsSuccess(values[k])),
            PValue = pValues[s],
            AdjustedPValue = adjusted[s],
            Flagged = adjusted[s] < options.Alpha && intervals[s].Estimate < overall,
            Items = c.Members.Select(k => context.Outcomes.ItemIds[scored[k].Run]).ToArray(),
        })
            .OrderBy(s => s.Mean)
            .ThenBy(s => s.Feature, StringComparer.Ordinal)
            .ThenBy(s => s.Value, StringComparer.Ordinal)
            .ToList();
        var settings = new SliceSettings
        {
            MinSliceSize = options.MinSliceSize,
            Test = SliceTest.Description,
            Correction = MultipleComparisons.Describe(options.Correction),
            Alpha = options.Alpha,
            Interval = string.Create(CultureInfo.InvariantCulture, $"percentile bootstrap of the mean over items ({options.Resamples:N0} resamples, seed {options.Seed}); items of one group are resampled independently, so intervals of clustered data are too narrow"),
            Tested = candidates.Count,
            TooSmall = tooSmall,
            Features = features.Select(f => f.Feature).ToArray(),
        };
        return (slices, settings);
    }

    /// <summary>
    /// The interval of a slice's mean. Seam for the cluster bootstrap (issue 14): when Statistics gains a bootstrap that
    /// resamples whole groups, call it here with each item's group, so that items of one article are not counted as
    /// independent evidence.
    /// </summary>
    private static ConfidenceInterval SliceInterval(double[] values, DataWorkOptions options) =>
        Bootstrap.Mean(values, options.Seed, options.Resamples, options.ConfidenceLevel);

    /// <summary>Every feature to slice on, each with its value per scored item (null: not applicable).</summary>
    private static List<(string Feature, string?[] Values)> Features(FailureContext context, (int Run, int Item, double Score)[] scored, DataWorkOptions options)
    {
        var items = context.Evidence.Items;
        var features = new List<(string Feature, string?[] Values)>();
        var metadataKeys = scored.SelectMany(s => items.Items[s.Item].Metadata.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        foreach (var key in metadataKeys)
        {
            var values = scored.Select(s => items.Items[s.Item].Metadata.GetValueOrDefault(key)).ToArray();
            if (Sliceable(values, options))
            {
                features.Add(("metadata." + key, values));
            }
        }

        var labels = scored.Select(s => items.Items[s.Item].Label).ToArray();
        if (Sliceable(labels, options) && !features.Any(f => f.Values.SequenceEqual(labels, StringComparer.Ordinal)))
        {
            features.Add(("label", labels));
        }

        features.Add((ItemFeatures.QuestionWordFeature, scored.Select(s => ItemFeatures.QuestionWord(items.Items[s.Item].Input)).ToArray()));
        var unit = options.Tokenizer is null ? "words" : "tokens";
        features.Add((ItemFeatures.LengthFeature, ItemFeatures.LengthBuckets(scored.Select(s => context.Evidence.InputLengths[s.Item]).ToArray(), unit)));
        if (!items.LabelIsGold && scored.Any(s => items.Items[s.Item].ExpectedOutputs.Count > 0))
        {
            features.Add((ItemFeatures.AnswerTypeFeature, scored.Select(s => ItemFeatures.AnswerType(items.Items[s.Item].ExpectedOutputs)).ToArray()));
        }

        if (context.Attribution is { } attribution)
        {
            features.Add((RetrievalFeature, scored.Select(s => attribution.Items[s.Run].Cause switch
            {
                FailureAttribution.CorrectWithGold or FailureAttribution.ReadingMiss => "yes",
                FailureAttribution.CorrectWithoutGold or FailureAttribution.RetrievalMiss => "no",
                _ => null,
            }).ToArray()));
        }

        if (context.Evidence.Locator is not null)
        {
            features.Add((AnswerabilityFeature, scored.Select(s => context.Evidence.Answers[s.Item] switch
            {
                AnswerStatus.NotInCorpus => "no",
                AnswerStatus.InGoldPassage or AnswerStatus.OnlyInOtherDocuments or AnswerStatus.InCorpusWithoutGoldPassage => "yes",
                _ => null,
            }).ToArray()));
        }

        return features;
    }

    /// <summary>A field is worth slicing on when it has 2 to MaxSliceValues distinct values and is not an id (most values unique).</summary>
    private static bool Sliceable(string?[] values, DataWorkOptions options)
    {
        var distinct = values.Where(v => v is not null).Distinct(StringComparer.Ordinal).Count();
        return distinct >= 2 && distinct <= options.MaxSliceValues && distinct * 2 <= values.Length;
    }
}
