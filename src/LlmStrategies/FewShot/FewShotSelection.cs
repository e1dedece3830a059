namespace LlmStrategies.FewShot;

/// <summary>Shared steps of the selectors: leakage filtering and prompt ordering of ranked candidates.</summary>
internal static class FewShotSelection
{
    /// <summary>Takes the first request.Count ranked candidates (best first) that pass the guard and the filter, ordered for the prompt.</summary>
    public static IReadOnlyList<FewShotExample> Finish(IEnumerable<FewShotExample> ranked, FewShotRequest request, LeakageGuard guard, FewShotOrder order)
    {
        var chosen = ranked
            .Where(e => request.Filter is null || request.Filter.Matches(e.Metadata))
            .Where(e => !guard.IsLeak(request.Input, e.Input))
            .Take(request.Count)
            .ToList();
        return ForPrompt(chosen, order);
    }

    /// <summary>
    /// Ranks examples a selector returned best first: by score when every one has a score, else reversing the prompt order
    /// (most similar last); ties go to the later example.
    /// </summary>
    public static List<FewShotExample> RankBestFirst(IReadOnlyList<FewShotExample> prompted) =>
        prompted.All(e => e.Score is not null)
            ? [.. prompted.Select((e, i) => (e, i)).OrderByDescending(x => x.e.Score).ThenByDescending(x => x.i).Select(x => x.e)]
            : [.. prompted.Reverse()];

    /// <summary>Orders a best-first list for the prompt.</summary>
    public static List<FewShotExample> ForPrompt(List<FewShotExample> bestFirst, FewShotOrder order)
    {
        if (order == FewShotOrder.MostSimilarLast)
        {
            bestFirst.Reverse();
        }

        return bestFirst;
    }

    public static FewShotExample WithScore(FewShotExample example, double score) => new()
    {
        Id = example.Id,
        Input = example.Input,
        Output = example.Output,
        Label = example.Label,
        Tags = example.Tags,
        Metadata = example.Metadata,
        Score = score,
    };
}
