using System.Globalization;
using System.Text;
using LlmStrategies.Experiments;
using static LlmStrategies.Evaluation.Analysis.AnalysisFormatting;
using static LlmStrategies.Experiments.ReportFormatting;

namespace LlmStrategies.Evaluation.Analysis;

/// <summary>
/// Renders data-work results as Markdown sections ("## Where it fails", "## Dataset profile") that can be appended to an
/// experiment's Markdown report. Item ids are written as code and listed with their text in an items table.
/// </summary>
public static class DataWorkMarkdown
{
    private const int WorstSlices = 10;

    /// <summary>Renders the whole report: what to fix first, where it fails, the dataset profile and the items referred to.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The Markdown text.</returns>
    public static string Render(DataWorkReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        RenderFailures(md, report.Failures, report.Findings, report.Findings.Count, "##");
        md.Append(RenderProfile(report.Profile));
        RenderItems(md, report.ItemDetails, "###");
        return md.ToString();
    }

    /// <summary>The "Where it fails" section of an experiment report (one heading level below the report's title).</summary>
    internal static void RenderSection(StringBuilder md, WhereItFails section)
    {
        md.Append('\n');
        RenderFailures(md, section.Failures, section.Findings, section.TotalFindings, "###");
        RenderItems(md, section.Items, "####");
    }

    private static void RenderItems(StringBuilder md, IReadOnlyList<ItemDetail> items, string heading)
    {
        if (items.Count == 0)
        {
            return;
        }

        md.Append(CultureInfo.InvariantCulture, $"\n{heading} Items referred to\n\n| item | input | gold | answer | score | cause |\n|---|---|---|---|---|---|\n");
        foreach (var item in items)
        {
            md.Append(CultureInfo.InvariantCulture, $"| `{Cell(item.Id)}` | {Cell(item.Input)} | {Cell(string.Join(" / ", item.Gold))} | {Cell(item.Answer ?? "(not recorded)")} | {(item.Score is { } s ? Number(s) : "n/a")} | {Cell(item.Cause ?? string.Empty)} |\n");
        }
    }

    /// <summary>Renders a dataset profile on its own ("## Dataset profile").</summary>
    /// <param name="profile">The profile.</param>
    /// <returns>The Markdown text.</returns>
    public static string RenderProfile(DatasetProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"\n## Dataset profile: {Cell(profile.Dataset.Name)}\n\n{profile.Dataset.Items:N0} items, {profile.CorpusDocuments:N0} corpus documents, fingerprint `{profile.Dataset.Fingerprint}`. Lengths in {profile.LengthUnit}.\n\n");
        md.Append("| split | items | groups | labels | input length median [p25, p75] (p95, max) | answer length median [p25, p75] (p95, max) |\n|---|---|---|---|---|---|\n");
        foreach (var s in profile.Splits)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {s.Name} | {s.Items:N0} | {(s.Groups is { } g ? g.ToString("N0", CultureInfo.InvariantCulture) : "-")} | {s.Labels:N0} | {Lengths(s.InputLength)} | {Lengths(s.AnswerLength)} |\n");
        }

        if (profile.DocumentLength is { } documents)
        {
            md.Append(CultureInfo.InvariantCulture, $"\nCorpus document length: {Lengths(documents)}.\n");
        }

        if (profile.GroupField is { } field && profile.GroupSizes is { } sizes)
        {
            md.Append(CultureInfo.InvariantCulture, $"\nGroups by `{Cell(field)}`: {profile.GroupCount:N0}, items per group {Lengths(sizes)}.\n");
        }

        md.Append("\nScript mix of the inputs (dominant Unicode script, not language identification): ");
        md.AppendJoin(", ", profile.ScriptMix.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Value} {s.Count:N0} ({s.Share:P1})")));
        md.Append(CultureInfo.InvariantCulture, $"; {profile.MixedScriptInputs:N0} mixed.\n");
        if (profile.Labels is { } labels)
        {
            md.Append(CultureInfo.InvariantCulture, $"\nLabels: {labels.Classes:N0} classes over {labels.Labelled:N0} items, majority share {labels.MajorityShare:P1}, normalised entropy {labels.NormalizedEntropy:0.000}{(labels.LabelIsGold ? " (labels are the gold)" : " (labels are not the gold: group or stratification keys)")}.\n");
        }

        if (profile.FieldGaps.Count > 0)
        {
            md.Append("\n| field | items | problem | e.g. |\n|---|---|---|---|\n");
            foreach (var gap in profile.FieldGaps)
            {
                md.Append(CultureInfo.InvariantCulture, $"| `{Cell(gap.Field)}` | {gap.Items:N0} | {Cell(gap.Problem)} | {Ids(gap.Examples, 3)} |\n");
            }
        }

        var d = profile.Duplicates;
        md.Append(CultureInfo.InvariantCulture, $"\nDuplicates ({Cell(d.Method)}): {d.ExactGroups:N0} exact groups ({d.ExactItems:N0} items), {d.NearPairs:N0} near pairs; {d.CrossSplit:N0} across splits ({d.TestItemsDuplicatedElsewhere.Count:N0} test items), {d.ConflictingGold:N0} exact groups and {d.NearConflictingGold:N0} near pairs with different gold (near pairs are candidates: similar embeddings can ask different things).\n");
        if (d.Examples.Count > 0)
        {
            md.Append("\n| kind | similarity | cross-split | conflicting gold | items |\n|---|---|---|---|---|\n");
            foreach (var group in d.Examples)
            {
                var members = string.Join("<br>", group.Items.Select(i => $"`{Cell(i.Id)}` ({i.Split}) {Cell(i.Input)} → {Cell(string.Join(" / ", i.Gold))}"));
                md.Append(CultureInfo.InvariantCulture, $"| {group.Kind} | {group.Similarity:0.000} | {(group.CrossSplit ? "yes" : "no")} | {(group.ConflictingGold ? "yes" : "no")} | {members} |\n");
            }
        }

        if (profile.Answerability is { } a)
        {
            md.Append(CultureInfo.InvariantCulture, $"\nAnswerability (gold answer as whole normalised words of a document): of {a.Checked:N0} items with gold, {a.InGoldPassage:N0} in their gold passage, {a.OnlyInOtherDocuments:N0} only in other documents, {a.InCorpusWithoutGoldPassage:N0} in the corpus without a gold passage, **{a.NotInCorpus:N0} nowhere in the corpus**; {a.NoGold:N0} without gold.\n");
            foreach (var example in a.Examples.Take(10))
            {
                md.Append(CultureInfo.InvariantCulture, $"- `{Cell(example.Item.Id)}` ({example.Item.Split}, {example.Status}): {Cell(example.Item.Input)} → {Cell(string.Join(" / ", example.Item.Gold))}{(example.DocumentCount > 0 ? $" (found in {Ids(example.Documents, 5)})" : string.Empty)}\n");
            }
        }

        foreach (var note in profile.Notes)
        {
            md.Append("\n> ").Append(Cell(note)).Append('\n');
        }

        return md.ToString();
    }

    /// <summary>Where it fails under a <paramref name="heading"/> ("##" or "###"), its parts one level below.</summary>
    private static void RenderFailures(StringBuilder md, FailureAnalysis f, IReadOnlyList<DataWorkFinding> findings, int totalFindings, string heading)
    {
        var sub = heading + "#";
        md.Append(CultureInfo.InvariantCulture, $"{heading} Where it fails: {Cell(f.Strategy)} on {Cell(f.Metric)}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"{Cell(f.Strategy)}: {Number(f.Overall.Mean)} [{Number(f.Overall.Lower)}, {Number(f.Overall.Upper)}] over {f.Overall.Count:N0} scored test items, {f.Overall.Failures:N0} below {f.SuccessThreshold:0.##} (from the {f.Evidence}).\n\n");
        md.Append(CultureInfo.InvariantCulture, $"{sub} What to fix first\n\n");
        if (findings.Count == 0)
        {
            md.Append("Nothing stands out: no blocker, no flagged slice, no failure cluster below the mean.\n");
        }
        else
        {
            md.Append("| # | finding | severity | items | wrong | potential gain |\n|---|---|---|---|---|---|\n");
            foreach (var finding in findings)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {finding.Rank} | {Cell(finding.Title)} | {finding.Severity} | {finding.AffectedItems:N0} | {finding.FailedItems:N0} | {GainCell(finding)} |\n");
            }

            md.Append('\n');
            foreach (var finding in findings)
            {
                md.Append(CultureInfo.InvariantCulture, $"{finding.Rank}. **{Cell(finding.Title)}**: {Cell(finding.Evidence)} *Fix:* {Cell(finding.Fix)} Items: {Ids(finding.Items, 8)}\n");
            }

            md.Append("\nPotential gains are upper bounds per finding (the affected items' distance from a perfect score over all scored items); findings overlap, so do not add them.\n");
            if (totalFindings > findings.Count)
            {
                md.Append(CultureInfo.InvariantCulture, $"The top {findings.Count} of {totalFindings} findings; the data-work report lists them all.\n");
            }
        }

        if (f.Comparisons.Count > 0)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n{sub} Rung against rung\n\n| first → second | n | fixed | broken | second better / first better / tie | Δ (second − first) | interval | test | p |\n|---|---|---|---|---|---|---|---|---|\n");
            foreach (var c in f.Comparisons)
            {
                md.Append(CultureInfo.InvariantCulture, $"| {Cell(c.First)} → {Cell(c.Second)} | {c.Count:N0} | {c.FixedItems.Count:N0} | {c.BrokenItems.Count:N0} | {c.SecondWins:N0} / {c.FirstWins:N0} / {c.Ties:N0} | {c.Difference:+0.000;-0.000;0.000} | [{Number(c.Lower)}, {Number(c.Upper)}] | {Cell(c.Test)} | {PValue(c.PValue)}{(c.Significant ? " *" : string.Empty)} |\n");
            }
        }

        RenderSlices(md, f, sub);
        RenderAttribution(md, f, sub);
        RenderClusters(md, f, sub);
        foreach (var note in f.Notes)
        {
            md.Append("\n> ").Append(Cell(note)).Append('\n');
        }
    }

    private static void RenderSlices(StringBuilder md, FailureAnalysis f, string heading)
    {
        var s = f.SliceSettings;
        md.Append(CultureInfo.InvariantCulture, $"\n{heading} Slices\n\n{s.Tested:N0} slices of at least {s.MinSliceSize} items tested ({s.TooSmall:N0} smaller left out) on {string.Join(", ", s.Features.Select(Cell))}; {Cell(s.Test)}, corrected by {Cell(s.Correction)} at α = {s.Alpha.ToString(CultureInfo.InvariantCulture)}.\n\n");
        var shown = f.Slices.Where(x => x.Flagged).Concat(f.Slices.Where(x => !x.Flagged).Take(WorstSlices)).Distinct().OrderBy(x => x.Mean).ToArray();
        if (shown.Length == 0)
        {
            return;
        }

        md.Append("| feature | value | n | mean | interval | wrong | p | corrected p | flagged |\n|---|---|---|---|---|---|---|---|---|\n");
        foreach (var x in shown)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {Cell(x.Feature)} | {Cell(x.Value)} | {x.Count:N0} | {Number(x.Mean)} | [{Number(x.Lower)}, {Number(x.Upper)}] | {x.Failures:N0} | {PValue(x.PValue)} | {PValue(x.AdjustedPValue)} | {(x.Flagged ? "**yes**" : "no")} |\n");
        }
    }

    private static void RenderAttribution(StringBuilder md, FailureAnalysis f, string heading)
    {
        md.Append(CultureInfo.InvariantCulture, $"\n{heading} Retrieval or reading?\n");
        if (f.AttributionNote is { } note)
        {
            md.Append('\n').Append(Cell(note)).Append('\n');
        }

        if (f.Attribution.Count == 0)
        {
            return;
        }

        md.Append("\n| strategy | n | correct, gold in context | correct without it | retrieval misses | reading misses | no gold passage | unscored | misses with answer in no document |\n|---|---|---|---|---|---|---|---|---|\n");
        foreach (var a in f.Attribution)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {Cell(a.Strategy)} | {a.Count:N0} | {a.CorrectWithGold:N0} | {a.CorrectWithoutGold:N0} | {a.RetrievalMisses:N0} | {a.ReadingMisses:N0} | {a.NoGoldPassage:N0} | {a.Unscored:N0} | {(a.RetrievalMissesNotInCorpus is { } x ? x.ToString("N0", CultureInfo.InvariantCulture) : "n/a")} |\n");
        }

        md.Append(CultureInfo.InvariantCulture, $"\nGold passage in the context from: {Cell(f.Attribution[0].Source)}. A retrieval miss is fixed in the index, chunking or query; a reading miss in the prompt or the model.\n");
    }

    private static void RenderClusters(StringBuilder md, FailureAnalysis f, string heading)
    {
        var c = f.Clusters;
        md.Append(CultureInfo.InvariantCulture, $"\n{heading} Failure clusters\n\n{Cell(c.Method)}.\n");
        if (!c.Available)
        {
            return;
        }

        md.Append(CultureInfo.InvariantCulture, $"\n{c.Failures:N0} failures in k = {c.K} clusters (silhouette by k: {string.Join(", ", c.Silhouettes.Select(p => $"{p.Key}: {p.Value:0.000}"))}).\n\n| # | failures | region items | region mean | about | representatives |\n|---|---|---|---|---|---|\n");
        foreach (var cluster in c.Clusters)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {cluster.Id} | {cluster.Failures:N0} | {cluster.RegionItems:N0} | {Number(cluster.RegionMean)} | {Cell(string.Join(", ", cluster.TopTerms))} | {Ids(cluster.Representatives, 5)} |\n");
        }
    }

    private static string Ids(IEnumerable<string> ids, int max)
    {
        var list = ids.ToArray();
        var shown = string.Join(", ", list.Take(max).Select(id => $"`{Cell(id)}`"));
        return list.Length > max ? shown + string.Create(CultureInfo.InvariantCulture, $" and {list.Length - max} more") : shown;
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Replace("`", "'", StringComparison.Ordinal);
}
