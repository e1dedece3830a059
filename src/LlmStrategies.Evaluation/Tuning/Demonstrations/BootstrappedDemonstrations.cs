namespace LlmStrategies.Tuning;

/// <summary>What <see cref="DemonstrationBootstrapper"/> found: the accepted demonstrations and the candidate sets built from them.</summary>
public sealed class BootstrappedDemonstrations
{
    internal BootstrappedDemonstrations(int attempted, int failed, IReadOnlyList<FewShotExample> pool, int blockedAsLeaks, IReadOnlyList<DemonstrationSet> sets, decimal spent)
    {
        Attempted = attempted;
        Failed = failed;
        Pool = pool;
        BlockedAsLeaks = blockedAsLeaks;
        Sets = sets;
        Spent = spent;
    }

    /// <summary>Gets the train items the teacher ran on.</summary>
    public int Attempted { get; }

    /// <summary>Gets the teacher's runs that failed (no answer to judge).</summary>
    public int Failed { get; }

    /// <summary>Gets the demonstrations the metric accepted (input: the train question; output: the teacher's answer), in train order.</summary>
    public IReadOnlyList<FewShotExample> Pool { get; }

    /// <summary>Gets the accepted demonstrations that were considered for a set and left out because their input (nearly) repeats a dev input.</summary>
    public int BlockedAsLeaks { get; }

    /// <summary>Gets the candidate sets, the first in train order.</summary>
    public IReadOnlyList<DemonstrationSet> Sets { get; }

    /// <summary>Gets what the teacher's runs cost.</summary>
    public decimal Spent { get; }

    /// <summary>The candidates to search: <paramref name="point"/> with each set attached (and, by default, without any).</summary>
    /// <param name="point">The configuration the student uses (its configure function must read <see cref="SearchPoint.Demonstrations"/>).</param>
    /// <param name="includeWithout">Whether <paramref name="point"/> itself, without demonstrations, is a candidate. Default <see langword="true"/>.</param>
    /// <returns>The candidates.</returns>
    public IReadOnlyList<SearchPoint> Candidates(SearchPoint point, bool includeWithout = true)
    {
        ArgumentNullException.ThrowIfNull(point);
        var candidates = Sets.Select(point.WithDemonstrations).ToList();
        if (includeWithout)
        {
            candidates.Insert(0, new SearchPoint(point.Values, null));
        }

        return candidates;
    }
}
