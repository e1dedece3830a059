namespace LlmStrategies.Tuning;

/// <summary>The rounds of successive halving: how many candidates are scored on how many dev items.</summary>
internal static class HalvingSchedule
{
    /// <summary>
    /// Rounds for <paramref name="candidates"/> candidates and <paramref name="items"/> dev items: the first scores every
    /// candidate on min(items, <paramref name="initialItems"/>) items; each next round keeps ⌈n / η⌉ candidates and
    /// multiplies the items by η, capped at all items; the last round scores the survivors on all items. Once one
    /// candidate is left, the next round is the last (scoring it on all items costs the same either way).
    /// </summary>
    public static IReadOnlyList<(int Candidates, int Items)> Rounds(int candidates, int items, int initialItems, int factor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(candidates);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(items);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialItems);
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 2);
        var rounds = new List<(int, int)>();
        var n = candidates;
        var size = Math.Min(items, initialItems);
        while (true)
        {
            if (n == 1 || size == items)
            {
                rounds.Add((n, items));
                return rounds;
            }

            rounds.Add((n, size));
            n = Math.Max(1, (n + factor - 1) / factor);
            size = (int)Math.Min(items, (long)size * factor);
        }
    }

    /// <summary>Calls of a schedule when items already scored in an earlier round are reused: Σ nᵣ × (sᵣ − sᵣ₋₁).</summary>
    public static long Calls(IReadOnlyList<(int Candidates, int Items)> rounds)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        long calls = 0;
        var previous = 0;
        foreach (var (n, size) in rounds)
        {
            calls += (long)n * (size - previous);
            previous = size;
        }

        return calls;
    }
}
