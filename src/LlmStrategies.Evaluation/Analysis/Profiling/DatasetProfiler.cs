using System.Globalization;
using LlmStrategies.Experiments;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>Where an item's gold answer is in the corpus.</summary>
internal enum AnswerStatus
{
    Unknown,
    NoGold,
    InGoldPassage,
    OnlyInOtherDocuments,
    InCorpusWithoutGoldPassage,
    NotInCorpus,
}

/// <summary>What the profile computed per item, kept for the failure analysis (no second embedding pass, no second corpus scan).</summary>
internal sealed class ProfileEvidence(ProfiledItems items, TextEmbeddings? embeddings, AnswerLocator? locator, AnswerStatus[] answers, int[] inputLengths)
{
    public ProfiledItems Items { get; } = items;

    /// <summary>Gets the embeddings of the distinct inputs (row = <see cref="ProfiledItems.DistinctOf"/>), or <see langword="null"/>.</summary>
    public TextEmbeddings? Embeddings { get; } = embeddings;

    public AnswerLocator? Locator { get; } = locator;

    public AnswerStatus[] Answers { get; } = answers;

    public int[] InputLengths { get; } = inputLengths;
}

/// <summary>Builds a <see cref="DatasetProfile"/>.</summary>
internal static class DatasetProfiler
{
    public static async Task<(DatasetProfile Profile, ProfileEvidence Evidence)> ProfileAsync(
        EvaluationDataset dataset,
        DatasetSplits? splits,
        DataWorkOptions options,
        IEmbeddingGenerator<string, Embedding<float>>? embeddingGenerator,
        CancellationToken cancellationToken)
    {
        var items = new ProfiledItems(dataset, splits);
        var length = new TextLength(options.Tokenizer, options.TokenizerName);
        var notes = new List<string>();
        var inputLengths = items.Items.Select(i => length.Count(i.Input)).ToArray();
        var answerLengths = items.Items.Select(i => i.ExpectedOutputs.FirstOrDefault(e => !string.IsNullOrWhiteSpace(e)) is { } a ? length.Count(a) : -1).ToArray();

        TextEmbeddings? embeddings = null;
        Dictionary<(int, int), float>? nearPairs = null;
        string method;
        if (embeddingGenerator is not null)
        {
            embeddings = await TextEmbeddings.CreateAsync(embeddingGenerator, items.DistinctTexts, options.EmbeddingBatchSize, cancellationToken).ConfigureAwait(false);
            nearPairs = DuplicateFinder.NearPairs(embeddings, options.NearDuplicateThreshold, options.NearDuplicateNeighbours, options.MaxDegreeOfParallelism, cancellationToken);
            method = DuplicateFinder.Describe(options.NearDuplicateThreshold, options.NearDuplicateNeighbours, embeddings.Model);
            var unusable = embeddings.Usable.Count(u => !u);
            if (unusable > 0)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{unusable} distinct input(s) embedded to a zero or non-finite vector and were left out of the near-duplicate search."));
            }
        }
        else
        {
            method = "exact only: same SQuAD-normalised input (no embedding generator given, so near-duplicates were not searched)";
            notes.Add("No embedding generator: near-duplicate inputs and failure clusters need one (the local USE-Lite model is the usual choice).");
        }

        AnswerLocator? locator = null;
        var answers = new AnswerStatus[items.Items.Count];
        AnswerabilitySummary? answerability = null;
        if (dataset.Corpus.Count > 0 && !items.LabelIsGold)
        {
            locator = new AnswerLocator(dataset.Corpus);
            answerability = Answerability(items, locator, answers, options.MaxListedItems);
        }
        else
        {
            notes.Add(dataset.Corpus.Count == 0
                ? "The dataset has no corpus, so answerability (is the gold answer in any document?) was not checked."
                : "The labels are the gold outputs (classification data), so answerability in the corpus was not checked.");
        }

        var groupField = options.GroupField ?? splits?.Manifest.GroupBy;
        var groups = groupField is null ? [] : ValueCounts(items, items.Items.Select(i => i.Metadata.GetValueOrDefault(groupField)).ToArray(), int.MaxValue);
        var profile = new DatasetProfile
        {
            Dataset = new DatasetSummary { Name = dataset.Name, Fingerprint = dataset.Fingerprint, Items = dataset.Items.Count },
            CorpusDocuments = dataset.Corpus.Count,
            LengthUnit = length.Unit,
            Splits = items.SplitNames.Select(s => SplitProfileOf(items, s, inputLengths, answerLengths, groupField)).ToArray(),
            GroupField = groupField,
            GroupCount = groups.Count,
            GroupSizes = groupField is null ? null : Distributions.Of(groups.Select(c => c.Count).ToArray()),
            Groups = groups.Take(options.MaxListedItems).ToArray(),
            InputLength = Distributions.Of(inputLengths),
            AnswerLength = Distributions.Of(answerLengths.Where(l => l >= 0).ToArray()),
            DocumentLength = dataset.Corpus.Count == 0 ? null : Distributions.Of(dataset.Corpus.Select(d => length.Count(d.Text)).ToArray()),
            ScriptMix = ScriptMix(items, out var mixed),
            MixedScriptInputs = mixed,
            FieldGaps = FieldGaps(dataset, items, options.MaxListedItems),
            Labels = Labels(items, options.MaxListedItems),
            Duplicates = DuplicateFinder.Summarise(items, nearPairs, embeddings is null ? null : options.NearDuplicateThreshold, method, options.MaxListedItems),
            Answerability = answerability,
            Notes = notes,
        };

        return (profile, new ProfileEvidence(items, embeddings, locator, answers, inputLengths));
    }

    private static SplitProfile SplitProfileOf(ProfiledItems items, string split, int[] inputLengths, int[] answerLengths, string? groupField)
    {
        var members = Enumerable.Range(0, items.Items.Count).Where(i => items.Split[i] == split).ToArray();
        return new SplitProfile
        {
            Name = split,
            Items = members.Length,
            Groups = groupField is null ? null : members.Select(i => items.Items[i].Metadata.GetValueOrDefault(groupField)).Where(g => g is not null).Distinct(StringComparer.Ordinal).Count(),
            Labels = members.Select(i => items.Items[i].Label).Where(l => l is not null).Distinct(StringComparer.Ordinal).Count(),
            InputLength = Distributions.Of(members.Select(i => inputLengths[i]).ToArray()),
            AnswerLength = Distributions.Of(members.Select(i => answerLengths[i]).Where(l => l >= 0).ToArray()),
        };
    }

    /// <summary>Counts per value (null values left out), largest first, ties by value.</summary>
    internal static List<ValueCount> ValueCounts(ProfiledItems items, string?[] values, int take)
    {
        var counts = new Dictionary<string, (int Total, Dictionary<string, int> PerSplit)>(StringComparer.Ordinal);
        var total = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is not { } value)
            {
                continue;
            }

            total++;
            if (!counts.TryGetValue(value, out var entry))
            {
                entry = (0, new Dictionary<string, int>(StringComparer.Ordinal));
            }

            entry.PerSplit[items.Split[i]] = entry.PerSplit.GetValueOrDefault(items.Split[i]) + 1;
            counts[value] = (entry.Total + 1, entry.PerSplit);
        }

        return counts
            .OrderByDescending(c => c.Value.Total)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Take(take)
            .Select(c => new ValueCount { Value = c.Key, Count = c.Value.Total, Share = (double)c.Value.Total / total, PerSplit = c.Value.PerSplit })
            .ToList();
    }

    private static List<ValueCount> ScriptMix(ProfiledItems items, out int mixed)
    {
        var scripts = new string?[items.Items.Count];
        mixed = 0;
        for (var i = 0; i < scripts.Length; i++)
        {
            var (script, isMixed) = ScriptClassifier.Classify(items.Items[i].Input);
            scripts[i] = script;
            mixed += isMixed ? 1 : 0;
        }

        return ValueCounts(items, scripts, int.MaxValue);
    }

    private static LabelBalance? Labels(ProfiledItems items, int maxListed)
    {
        var labels = items.Items.Select(i => i.Label).ToArray();
        var counts = ValueCounts(items, labels, int.MaxValue);
        if (counts.Count == 0)
        {
            return null;
        }

        var labelled = counts.Sum(c => c.Count);
        var entropy = -counts.Sum(c => c.Share * Math.Log(c.Share));
        return new LabelBalance
        {
            Classes = counts.Count,
            Labelled = labelled,
            MajorityShare = (double)counts[0].Count / labelled,
            NormalizedEntropy = counts.Count == 1 ? 1 : entropy / Math.Log(counts.Count),
            LabelIsGold = items.LabelIsGold,
            Counts = counts.Take(maxListed).ToArray(),
        };
    }

    private static AnswerabilitySummary Answerability(ProfiledItems items, AnswerLocator locator, AnswerStatus[] statuses, int maxListed)
    {
        var examples = new List<(AnswerLocation Location, int Order)>();
        for (var i = 0; i < items.Items.Count; i++)
        {
            var gold = items.GoldKeys[i];
            if (gold.Length == 0)
            {
                statuses[i] = AnswerStatus.NoGold;
                continue;
            }

            var documents = locator.DocumentsContaining(gold);
            var passages = items.Items[i].RelevantDocuments.Where(r => r.Value > 0).Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
            statuses[i] = passages.Count > 0
                ? documents.Any(d => passages.Contains(locator.IdOf(d))) ? AnswerStatus.InGoldPassage : documents.Count > 0 ? AnswerStatus.OnlyInOtherDocuments : AnswerStatus.NotInCorpus
                : documents.Count > 0 ? AnswerStatus.InCorpusWithoutGoldPassage : AnswerStatus.NotInCorpus;
            if (statuses[i] is AnswerStatus.OnlyInOtherDocuments or AnswerStatus.NotInCorpus)
            {
                examples.Add((new AnswerLocation
                {
                    Item = items.Reference(i),
                    Status = StatusName(statuses[i]),
                    DocumentCount = documents.Count,
                    Documents = documents.Take(5).Select(locator.IdOf).ToArray(),
                }, i));
            }
        }

        return new AnswerabilitySummary
        {
            Checked = statuses.Count(s => s != AnswerStatus.NoGold),
            InGoldPassage = statuses.Count(s => s == AnswerStatus.InGoldPassage),
            OnlyInOtherDocuments = statuses.Count(s => s == AnswerStatus.OnlyInOtherDocuments),
            InCorpusWithoutGoldPassage = statuses.Count(s => s == AnswerStatus.InCorpusWithoutGoldPassage),
            NotInCorpus = statuses.Count(s => s == AnswerStatus.NotInCorpus),
            NoGold = statuses.Count(s => s == AnswerStatus.NoGold),
            NotInCorpusItems = Enumerable.Range(0, statuses.Length).Where(i => statuses[i] == AnswerStatus.NotInCorpus).Select(i => items.Items[i].Id).ToArray(),
            Examples = examples
                .OrderByDescending(e => e.Location.Item.Split == ProfiledItems.TestSplit)
                .ThenBy(e => e.Order)
                .Take(maxListed)
                .Select(e => e.Location)
                .ToArray(),
        };
    }

    internal static string StatusName(AnswerStatus status) => status switch
    {
        AnswerStatus.NoGold => "no-gold",
        AnswerStatus.InGoldPassage => "in-gold-passage",
        AnswerStatus.OnlyInOtherDocuments => "only-in-other-documents",
        AnswerStatus.InCorpusWithoutGoldPassage => "in-corpus-without-gold-passage",
        AnswerStatus.NotInCorpus => "not-in-corpus",
        _ => "unknown",
    };

    private static List<FieldGap> FieldGaps(EvaluationDataset dataset, ProfiledItems items, int maxListed)
    {
        var gaps = new List<FieldGap>();
        void Gap(string field, string problem, IEnumerable<EvaluationItem> affected)
        {
            var list = affected.Select(i => i.Id).ToArray();
            if (list.Length > 0)
            {
                gaps.Add(new FieldGap { Field = field, Problem = problem, Items = list.Length, Examples = list.Take(maxListed).ToArray() });
            }
        }

        var all = items.Items;
        Gap("input", "empty or whitespace-only input", all.Where(i => string.IsNullOrWhiteSpace(i.Input)));
        if (!items.LabelIsGold)
        {
            Gap("expected", "no non-empty expected output (items marked is_impossible=true are not counted)", all.Where(i => i.ExpectedOutputs.All(string.IsNullOrWhiteSpace) && i.Metadata.GetValueOrDefault("is_impossible") != "true"));
            Gap("expected", "an empty expected output next to non-empty ones", all.Where(i => i.ExpectedOutputs.Count > 1 && i.ExpectedOutputs.Any(string.IsNullOrWhiteSpace) && !i.ExpectedOutputs.All(string.IsNullOrWhiteSpace)));
            Gap("expected", "every expected output normalises to nothing (only punctuation or articles), so the SQuAD and contains metrics cannot match it", all.Where(i => i.ExpectedOutputs.Any(e => !string.IsNullOrWhiteSpace(e)) && i.ExpectedOutputs.All(e => SquadText.Normalize(e).Length == 0)));
        }

        var labelled = all.Count(i => i.Label is not null);
        if (labelled > 0 && labelled < all.Count)
        {
            Gap("label", "no label while other items have one", all.Where(i => i.Label is null));
        }

        var keys = all.SelectMany(i => i.Metadata.Keys).GroupBy(k => k, StringComparer.Ordinal).Where(g => g.Count() * 2 >= all.Count).Select(g => g.Key).Order(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            Gap("metadata." + key, "missing or empty while at least half the items have it", all.Where(i => string.IsNullOrWhiteSpace(i.Metadata.GetValueOrDefault(key))));
        }

        if (dataset.Corpus.Count > 0 && all.Any(i => i.RelevantDocuments.Count > 0))
        {
            Gap("relevant", "no gold passage (relevance judgment with grade > 0) while other items have one", all.Where(i => !i.RelevantDocuments.Any(r => r.Value > 0)));
        }

        if (dataset.Corpus.Count > 0)
        {
            var ids = dataset.Corpus.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
            Gap("relevant", "a gold passage id that is not in the corpus (dangling judgment)", all.Where(i => i.RelevantDocuments.Any(r => r.Value > 0 && !ids.Contains(r.Key))));
        }

        return gaps;
    }
}
