using System.Globalization;
using System.Security.Cryptography;
using LlmStrategies.FewShot;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// Applies a reviewed file (written by <see cref="ReviewExport"/>, filled in by a reviewer): corrected gold becomes a new
/// dataset version with a new content fingerprint, excluded items are dropped from it, approved pairs go into the few-shot
/// example store (never a protected test item or a near-copy of one), and every change is logged with who, when and why.
/// </summary>
/// <remarks>
/// All or nothing: every row is checked first (format, unknown items, gold changed since the export, missing reviewer or
/// note, leakage) and any problem throws a <see cref="ReviewFormatException"/> listing each one with its file and line,
/// before anything is written. Then the version file is written, the examples are added (one store change) and the
/// change log is rewritten, each atomically; the change log is the commit record. Importing the same file again (same
/// bytes) changes nothing.
/// </remarks>
public sealed class ReviewImporter
{
    private const string FixGold = "fix-gold";
    private const string Exclude = "exclude";
    private const string AddExample = "add-example";

    private readonly ReviewImportOptions _options;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates an importer.</summary>
    /// <param name="options">Settings; default <see cref="ReviewImportOptions"/>.</param>
    /// <param name="timeProvider">The clock for the change log; default <see cref="TimeProvider.System"/>.</param>
    public ReviewImporter(ReviewImportOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new ReviewImportOptions();
        if (!(_options.LeakageThreshold is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.LeakageThreshold, "ReviewImportOptions.LeakageThreshold must be in (0, 1].");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(_options.ExampleTag, nameof(options));
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Imports a reviewed file.</summary>
    /// <param name="reviewPath">The reviewed .jsonl or .csv file.</param>
    /// <param name="dataset">The dataset to apply it to (the version it was exported from, or a later one).</param>
    /// <param name="versionDirectory">Where dataset versions and the change log are kept (next to the dataset).</param>
    /// <param name="exampleStore">The few-shot example store approved pairs go into, or <see langword="null"/> when the file approves none.</param>
    /// <param name="protectedItems">The items that must never become examples (the test split); required when the file approves examples.</param>
    /// <param name="cancellationToken">Cancels before the store is changed.</param>
    /// <returns>What was applied.</returns>
    /// <exception cref="ReviewFormatException">A row is malformed or cannot be applied; nothing was changed.</exception>
    /// <exception cref="ArgumentException">The file approves examples but no store or no protected items were given.</exception>
    public async Task<ReviewImportResult> ImportAsync(
        string reviewPath,
        EvaluationDataset dataset,
        string versionDirectory,
        IExampleStore? exampleStore = null,
        IReadOnlyCollection<EvaluationItem>? protectedItems = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reviewPath);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentException.ThrowIfNullOrWhiteSpace(versionDirectory);
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(reviewPath)));
        var logPath = ChangeLog.PathOf(versionDirectory, dataset.Name);
        var log = ChangeLog.Read(logPath);
        var errors = new List<DatasetError>();
        var rows = ReviewFileReader.Read(reviewPath, errors);
        if (rows.Any(r => r.Example) && (exampleStore is null || protectedItems is null))
        {
            throw new ArgumentException(
                $"'{reviewPath}' approves few-shot examples: pass the example store, and the test items as protectedItems so that the leakage guard keeps them out (an empty list when there are none).",
                exampleStore is null ? nameof(exampleStore) : nameof(protectedItems));
        }

        var plan = Plan(reviewPath, rows, dataset, log, protectedItems ?? [], errors);
        if (errors.Count > 0)
        {
            throw new ReviewFormatException(errors);
        }

        var updated = Apply(dataset, plan);
        var earlier = log.Where(c => c.ReviewSha256 == sha).ToArray();
        if (earlier.Length > 0)
        {
            return new ReviewImportResult(updated, dataset.Fingerprint, alreadyApplied: true, earlier, 0, plan.Confirmed, plan.Unreviewed, File.Exists(DatasetVersionFile.PathOf(versionDirectory, updated)) ? DatasetVersionFile.PathOf(versionDirectory, updated) : null, logPath);
        }

        var now = _timeProvider.GetUtcNow();
        var changes = plan.Changes.Select(c => new ReviewChange
        {
            Item = c.Row.Item,
            Action = c.Action,
            Before = c.Before,
            After = c.After,
            Reviewer = c.Row.Reviewer,
            Note = c.Row.Note,
            At = now,
            ReviewFile = Path.GetFileName(reviewPath),
            Line = c.Row.Line,
            ReviewSha256 = sha,
            FromFingerprint = dataset.Fingerprint,
            ToFingerprint = updated.Fingerprint,
        }).ToArray();
        if (changes.Length == 0)
        {
            return new ReviewImportResult(dataset, dataset.Fingerprint, alreadyApplied: false, [], 0, plan.Confirmed, plan.Unreviewed, null, logPath);
        }

        string? versionPath = null;
        if (updated.Fingerprint != dataset.Fingerprint)
        {
            versionPath = DatasetVersionFile.Save(versionDirectory, updated);
        }

        var examples = plan.Examples.Select(e => Example(e.Row, e.Item, e.Output, reviewPath)).ToArray();
        if (examples.Length > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await exampleStore!.UpsertAsync(examples, cancellationToken).ConfigureAwait(false);
        }

        ChangeLog.Write(logPath, [.. log, .. changes]);
        return new ReviewImportResult(updated, dataset.Fingerprint, alreadyApplied: false, changes, examples.Length, plan.Confirmed, plan.Unreviewed, versionPath, logPath);
    }

    private ImportPlan Plan(string path, List<ReviewedRow> rows, EvaluationDataset dataset, List<ReviewChange> log, IReadOnlyCollection<EvaluationItem> protectedItems, List<DatasetError> errors)
    {
        var plan = new ImportPlan();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var excludedBefore = log.Where(c => c.Action == Exclude).Select(c => c.Item).ToHashSet(StringComparer.Ordinal);
        var protectedIds = protectedItems.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var guard = new LeakageGuard(_options.LeakageThreshold);
        void Error(ReviewedRow row, string? field, string message) => errors.Add(new DatasetError(path, row.Line, field, message));
        foreach (var row in rows)
        {
            if (row.Verdict.Length == 0 && !row.Example)
            {
                plan.Unreviewed++;
                continue;
            }

            if (!seen.TryAdd(row.Item, row.Line))
            {
                Error(row, "item", string.Create(CultureInfo.InvariantCulture, $"item '{row.Item}' is reviewed twice (first on line {seen[row.Item]}); keep one row per item."));
                continue;
            }

            if (!dataset.TryGetItem(row.Item, out var item))
            {
                if (!(row.Verdict == Exclude && excludedBefore.Contains(row.Item)))
                {
                    Error(row, "item", $"item '{row.Item}' is not in dataset '{dataset.Name}' (fingerprint {dataset.Fingerprint}); import the file into the dataset it was exported from.");
                }

                continue;
            }

            var before = errors.Count;
            CheckRow(row, item, Error);
            if (errors.Count > before)
            {
                continue;
            }

            switch (row.Verdict)
            {
                case FixGold when item.ExpectedOutputs.SequenceEqual(row.Correction, StringComparer.Ordinal):
                    break; // applied by an earlier import of another file
                case FixGold when string.Join(ReviewExport.AnswerSeparator, item.ExpectedOutputs) != row.GoldText:
                    Error(row, "gold", $"the gold of item '{row.Item}' changed since the export (now \"{string.Join(ReviewExport.AnswerSeparator, item.ExpectedOutputs)}\", exported \"{row.GoldText}\"); export it again and review the current gold.");
                    continue;
                case FixGold:
                    plan.Changes.Add((row, FixGold, item.ExpectedOutputs, row.Correction));
                    plan.Fixed[row.Item] = row.Correction;
                    break;
                case Exclude:
                    plan.Changes.Add((row, Exclude, item.ExpectedOutputs, []));
                    plan.Excluded.Add(row.Item);
                    break;
                case "ok":
                    plan.Confirmed++;
                    break;
            }

            if (row.Example)
            {
                var output = row.Correction.Count > 0 ? row.Correction[0] : row.Prediction;
                if (string.IsNullOrWhiteSpace(output))
                {
                    Error(row, "example", $"item '{row.Item}' is approved as an example but has no correction and no prediction to use as its output; write the output in the correction column.");
                }
                else if (protectedIds.Contains(row.Item))
                {
                    Error(row, "example", $"item '{row.Item}' is a protected (test) item; it cannot become a few-shot example. Clear the example column.");
                }
                else if (protectedItems.FirstOrDefault(p => guard.IsLeak(p.Input, item.Input)) is { } leak)
                {
                    Error(row, "example", $"item '{row.Item}' is a copy or near-copy of protected (test) item '{leak.Id}' (leakage guard, threshold {_options.LeakageThreshold.ToString(CultureInfo.InvariantCulture)}); it cannot become a few-shot example. Clear the example column.");
                }
                else
                {
                    plan.Examples.Add((row, item, output));
                    plan.Changes.Add((row, AddExample, [], [output]));
                }
            }
        }

        return plan;
    }

    private void CheckRow(ReviewedRow row, EvaluationItem item, Action<ReviewedRow, string?, string> error)
    {
        if (row.Input.Length > 0 && row.Input != item.Input)
        {
            error(row, "input", $"the input of item '{row.Item}' differs from the dataset's; inputs cannot be corrected by a review. Exclude the item and add a corrected one to the dataset.");
        }

        if (row.Verdict == FixGold && row.Correction.Count == 0)
        {
            error(row, "correction", "fix-gold needs the corrected answer(s) in the correction column (several separated by |).");
        }

        if (row.Verdict is "ok" or "" && row.Correction.Count > 0 && !row.Example)
        {
            error(row, "correction", "a correction is given but the verdict is not fix-gold; write fix-gold to change the gold, or clear the correction.");
        }

        if (row.Verdict == Exclude && row.Example)
        {
            error(row, "example", "an excluded item cannot be approved as an example; choose one.");
        }

        if ((row.Verdict is FixGold or Exclude || row.Example) && row.Reviewer.Length == 0)
        {
            error(row, "reviewer", "who reviewed it? Fill in the reviewer column: the change log records who made every change.");
        }

        if (row.Verdict is FixGold or Exclude && _options.RequireNote && row.Note.Length == 0)
        {
            error(row, "note", "why? Fill in the note column: the change log records why every gold answer changed or an item was excluded.");
        }
    }

    private static EvaluationDataset Apply(EvaluationDataset dataset, ImportPlan plan)
    {
        if (plan.Fixed.Count == 0 && plan.Excluded.Count == 0)
        {
            return dataset;
        }

        var items = dataset.Items
            .Where(i => !plan.Excluded.Contains(i.Id))
            .Select(i => plan.Fixed.TryGetValue(i.Id, out var gold)
                ? new EvaluationItem { Id = i.Id, Input = i.Input, ExpectedOutputs = gold, Label = i.Label, Metadata = i.Metadata, RelevantDocuments = i.RelevantDocuments }
                : i);
        return new EvaluationDataset(dataset.Name, items, dataset.Corpus);
    }

    private FewShotExample Example(ReviewedRow row, EvaluationItem item, string output, string reviewPath) => new()
    {
        Id = item.Id,
        Input = item.Input,
        Output = output,
        Label = item.Label,
        Tags = [_options.ExampleTag],
        Metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["source"] = "review",
            ["reviewer"] = row.Reviewer,
            ["review_file"] = Path.GetFileName(reviewPath),
        },
    };

    private sealed class ImportPlan
    {
        public List<(ReviewedRow Row, string Action, IReadOnlyList<string> Before, IReadOnlyList<string> After)> Changes { get; } = [];

        public Dictionary<string, IReadOnlyList<string>> Fixed { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Excluded { get; } = new(StringComparer.Ordinal);

        public List<(ReviewedRow Row, EvaluationItem Item, string Output)> Examples { get; } = [];

        public int Confirmed { get; set; }

        public int Unreviewed { get; set; }
    }
}
