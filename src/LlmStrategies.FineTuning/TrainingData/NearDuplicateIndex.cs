using LlmStrategies.Text;
using LlmStrategies.FewShot;

namespace LlmStrategies.FineTuning.TrainingData;

/// <summary>
/// Finds, among many reference texts, the ones a <see cref="LeakageGuard"/> treats as the same input as a probe, without
/// comparing every pair. The guard's rule is "normalised texts equal, or Jaccard of word sets or of character-trigram
/// sets ≥ t"; candidates come from prefix filtering (Chaudhuri, Ganti and Kaushik, ICDE 2006): order tokens globally,
/// rarest first; two sets with Jaccard ≥ t must share a token among the first |x| − ⌈t·|x|⌉ + 1 tokens of each.
/// Every candidate is then confirmed with <see cref="LeakageGuard.IsLeak"/> itself, so the answer is exactly the
/// guard's, only faster.
/// </summary>
internal sealed class NearDuplicateIndex
{
    private readonly LeakageGuard _guard;
    private readonly List<string> _texts;
    private readonly Dictionary<string, int> _exact = new(StringComparer.Ordinal);
    private readonly PrefixIndex _words;
    private readonly PrefixIndex _trigrams;

    public NearDuplicateIndex(LeakageGuard guard, IEnumerable<string> texts)
    {
        _guard = guard;
        _texts = [.. texts];
        var normalized = _texts.Select(TextTerms.NormalizeWords).ToList();
        for (var i = 0; i < normalized.Count; i++)
        {
            _exact.TryAdd(normalized[i], i);
        }

        _words = new PrefixIndex(guard.Threshold, normalized.Select(Words).ToList());
        _trigrams = new PrefixIndex(guard.Threshold, normalized.Select(Trigrams).ToList());
    }

    /// <summary>Returns the position of the first reference text the guard treats as the same as <paramref name="probe"/>, or -1.</summary>
    public int FindFirst(string probe)
    {
        var normalized = TextTerms.NormalizeWords(probe);

        // An exact match is a leak, but an earlier reference may be a near duplicate: keep looking below it.
        var best = _exact.TryGetValue(normalized, out var exact) ? exact : int.MaxValue;
        foreach (var candidate in _words.Candidates(Words(normalized)).Concat(_trigrams.Candidates(Trigrams(normalized))))
        {
            if (candidate < best && _guard.IsLeak(probe, _texts[candidate]))
            {
                best = candidate;
            }
        }

        return best == int.MaxValue ? -1 : best;
    }

    private static HashSet<string> Words(string normalized) =>
        normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    // The same sets LeakageGuard compares: every 3-character substring, or the whole text when shorter.
    private static HashSet<string> Trigrams(string normalized) =>
        normalized.Length < 3
            ? new HashSet<string>(StringComparer.Ordinal) { normalized }
            : Enumerable.Range(0, normalized.Length - 2).Select(i => normalized.Substring(i, 3)).ToHashSet(StringComparer.Ordinal);

    private sealed class PrefixIndex
    {
        private readonly double _threshold;
        private readonly Dictionary<string, int> _frequency = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<int>> _postings = new(StringComparer.Ordinal);
        private readonly int[] _sizes;

        public PrefixIndex(double threshold, List<HashSet<string>> sets)
        {
            _threshold = threshold;
            _sizes = [.. sets.Select(s => s.Count)];
            foreach (var token in sets.SelectMany(s => s))
            {
                _frequency[token] = _frequency.GetValueOrDefault(token) + 1;
            }

            for (var i = 0; i < sets.Count; i++)
            {
                foreach (var token in Prefix(sets[i]))
                {
                    if (!_postings.TryGetValue(token, out var list))
                    {
                        _postings[token] = list = [];
                    }

                    list.Add(i);
                }
            }
        }

        public IEnumerable<int> Candidates(HashSet<string> probe)
        {
            if (probe.Count == 0)
            {
                yield break;
            }

            // Length filter: Jaccard ≥ t needs t·|x| ≤ |y| ≤ |x| / t.
            var low = (_threshold * probe.Count) - 1e-9;
            var high = (probe.Count / _threshold) + 1e-9;
            var seen = new HashSet<int>();
            foreach (var token in Prefix(probe))
            {
                if (_postings.TryGetValue(token, out var list))
                {
                    foreach (var candidate in list)
                    {
                        if (_sizes[candidate] >= low && _sizes[candidate] <= high && seen.Add(candidate))
                        {
                            yield return candidate;
                        }
                    }
                }
            }
        }

        private IEnumerable<string> Prefix(HashSet<string> set)
        {
            if (set.Count == 0)
            {
                return [];
            }

            // A small epsilon keeps ⌈0.9 · 10⌉ at 9 despite 0.9 · 10 = 9.000000000000002 in binary floating point.
            var overlap = (int)Math.Ceiling((_threshold * set.Count) - 1e-9);
            var length = Math.Clamp(set.Count - overlap + 1, 1, set.Count);
            return set.OrderBy(t => _frequency.GetValueOrDefault(t)).ThenBy(t => t, StringComparer.Ordinal).Take(length);
        }
    }
}
