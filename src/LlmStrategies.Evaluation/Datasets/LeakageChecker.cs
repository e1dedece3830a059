using Microsoft.Extensions.AI;

namespace LlmStrategies.Evaluation;

/// <summary>
/// Finds test items that also appear in training material: exact duplicates (hash of the SQuAD-normalised text),
/// near-duplicates (Jaccard similarity of word shingles, with MinHash and banded locality-sensitive hashing to find
/// candidates and the exact Jaccard to confirm them) and, with an embedding generator, semantic duplicates (cosine).
/// </summary>
/// <remarks>
/// Jaccard compares texts of similar length (questions against a few-shot pool, fine-tuning inputs). Against a corpus
/// of long documents only exact and semantic matches are meaningful, since a question's shingles are a small part of
/// a document's.
/// </remarks>
public sealed class LeakageChecker
{
    private readonly LeakageOptions _options;
    private readonly ulong[] _seeds;

    /// <summary>Creates a checker.</summary>
    /// <param name="options">Thresholds, shingle length and MinHash settings; default <see cref="LeakageOptions"/>.</param>
    /// <exception cref="ArgumentException">The settings are out of range.</exception>
    public LeakageChecker(LeakageOptions? options = null)
    {
        _options = ValidatedOptions.ThrowIfInvalid(new LeakageOptionsValidator(), options ?? new LeakageOptions());

        var random = new Random(_options.Seed);
        _seeds = new ulong[_options.HashFunctions];
        for (var i = 0; i < _seeds.Length; i++)
        {
            _seeds[i] = (ulong)random.NextInt64() ^ ((ulong)random.NextInt64() << 1);
        }
    }

    /// <summary>Checks test items against sources for exact and near-duplicate overlap.</summary>
    /// <param name="testItems">The test items (their inputs are compared).</param>
    /// <param name="sources">The material that must not contain them.</param>
    /// <returns>The report.</returns>
    public LeakageReport Check(IEnumerable<EvaluationItem> testItems, IEnumerable<LeakageSource> sources)
    {
        ArgumentNullException.ThrowIfNull(testItems);
        ArgumentNullException.ThrowIfNull(sources);
        var tests = testItems.ToArray();
        var sourceList = sources.ToArray();
        var findings = new List<LeakageFinding>();
        var testShingles = tests.Select(t => Shingles(t.Input)).ToArray();
        var testSignatures = testShingles.Select(Signature).ToArray();
        var testNormalized = tests.Select(t => SquadText.Normalize(t.Input)).ToArray();
        foreach (var source in sourceList)
        {
            var exact = new Dictionary<string, string>(StringComparer.Ordinal);
            var buckets = new Dictionary<(int Band, ulong Key), List<int>>();
            var sourceShingles = new HashSet<ulong>[source.Entries.Count];
            for (var e = 0; e < source.Entries.Count; e++)
            {
                var text = source.Entries[e].Value;
                exact.TryAdd(SquadText.Normalize(text), source.Entries[e].Key);
                sourceShingles[e] = Shingles(text);
                var signature = Signature(sourceShingles[e]);
                for (var band = 0; band < _options.Bands; band++)
                {
                    var key = (band, BandKey(signature, band));
                    if (!buckets.TryGetValue(key, out var list))
                    {
                        buckets[key] = list = [];
                    }

                    list.Add(e);
                }
            }

            for (var t = 0; t < tests.Length; t++)
            {
                if (testNormalized[t].Length > 0 && exact.TryGetValue(testNormalized[t], out var exactId))
                {
                    findings.Add(new LeakageFinding(tests[t].Id, source.Name, exactId, LeakageKind.Exact, 1));
                    continue;
                }

                if (testShingles[t].Count == 0)
                {
                    continue;
                }

                var candidates = new HashSet<int>();
                for (var band = 0; band < _options.Bands; band++)
                {
                    if (buckets.TryGetValue((band, BandKey(testSignatures[t], band)), out var list))
                    {
                        candidates.UnionWith(list);
                    }
                }

                var best = (Entry: -1, Similarity: 0.0);
                foreach (var candidate in candidates)
                {
                    var similarity = Jaccard(testShingles[t], sourceShingles[candidate]);
                    if (similarity > best.Similarity || (similarity == best.Similarity && candidate < best.Entry))
                    {
                        best = (candidate, similarity);
                    }
                }

                if (best.Entry >= 0 && best.Similarity >= _options.NearDuplicateThreshold)
                {
                    findings.Add(new LeakageFinding(tests[t].Id, source.Name, source.Entries[best.Entry].Key, LeakageKind.NearDuplicate, best.Similarity));
                }
            }
        }

        return new LeakageReport(tests.Length, sourceList.Select(s => s.Name).ToArray(), Order(findings));
    }

    /// <summary>
    /// Checks for exact and near-duplicate overlap, then for semantic duplicates: test items whose embedding has a
    /// cosine similarity of at least <see cref="LeakageOptions.EmbeddingThreshold"/> with an entry of a source.
    /// </summary>
    /// <param name="testItems">The test items.</param>
    /// <param name="sources">The sources.</param>
    /// <param name="embeddings">The embedding generator.</param>
    /// <param name="cancellationToken">Cancels the embedding calls.</param>
    /// <returns>The report.</returns>
    public async Task<LeakageReport> CheckAsync(
        IEnumerable<EvaluationItem> testItems,
        IEnumerable<LeakageSource> sources,
        IEmbeddingGenerator<string, Embedding<float>> embeddings,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        var tests = testItems?.ToArray() ?? throw new ArgumentNullException(nameof(testItems));
        var sourceList = sources?.ToArray() ?? throw new ArgumentNullException(nameof(sources));
        var lexical = Check(tests, sourceList);
        var findings = lexical.Findings.ToList();
        var found = findings.Select(f => (f.TestItemId, f.SourceName)).ToHashSet();
        var testVectors = await embeddings.GenerateAsync(tests.Select(t => t.Input), cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var source in sourceList)
        {
            var sourceVectors = await embeddings.GenerateAsync(source.Entries.Select(e => e.Value), cancellationToken: cancellationToken).ConfigureAwait(false);
            for (var t = 0; t < tests.Length; t++)
            {
                if (found.Contains((tests[t].Id, source.Name)))
                {
                    continue;
                }

                var best = (Entry: -1, Similarity: double.NegativeInfinity);
                for (var e = 0; e < sourceVectors.Count; e++)
                {
                    var cosine = VectorMath.Cosine(testVectors[t].Vector.Span, sourceVectors[e].Vector.Span);
                    if (cosine > best.Similarity)
                    {
                        best = (e, cosine);
                    }
                }

                if (best.Entry >= 0 && best.Similarity >= _options.EmbeddingThreshold)
                {
                    findings.Add(new LeakageFinding(tests[t].Id, source.Name, source.Entries[best.Entry].Key, LeakageKind.Semantic, best.Similarity));
                }
            }
        }

        return new LeakageReport(tests.Length, lexical.Sources, Order(findings));
    }

    /// <summary>The exact Jaccard similarity of two texts' shingle sets (what near-duplicate findings report).</summary>
    internal double Similarity(string a, string b) => Jaccard(Shingles(a), Shingles(b));

    private static LeakageFinding[] Order(List<LeakageFinding> findings) =>
        findings.OrderByDescending(f => f.Similarity).ThenBy(f => f.TestItemId, StringComparer.Ordinal).ThenBy(f => f.SourceName, StringComparer.Ordinal).ToArray();

    private static double Jaccard(HashSet<ulong> a, HashSet<ulong> b)
    {
        if (a.Count == 0 && b.Count == 0)
        {
            return 1;
        }

        var intersection = a.Count <= b.Count ? a.Count(b.Contains) : b.Count(a.Contains);
        return (double)intersection / (a.Count + b.Count - intersection);
    }

    private HashSet<ulong> Shingles(string text)
    {
        var tokens = SquadText.NormalizedTokens(text);
        var set = new HashSet<ulong>();
        var k = Math.Min(_options.ShingleWords, tokens.Length);
        for (var i = 0; k > 0 && i + k <= tokens.Length; i++)
        {
            set.Add(Fnv1a(string.Join(' ', tokens, i, k)));
        }

        return set;
    }

    private ulong[] Signature(HashSet<ulong> shingles)
    {
        var signature = new ulong[_seeds.Length];
        Array.Fill(signature, ulong.MaxValue);
        foreach (var shingle in shingles)
        {
            for (var i = 0; i < _seeds.Length; i++)
            {
                var h = Mix(shingle ^ _seeds[i]);
                if (h < signature[i])
                {
                    signature[i] = h;
                }
            }
        }

        return signature;
    }

    private ulong BandKey(ulong[] signature, int band)
    {
        var rows = _seeds.Length / _options.Bands;
        var key = 1469598103934665603UL;
        for (var r = 0; r < rows; r++)
        {
            key = Mix(key ^ signature[(band * rows) + r]);
        }

        return key;
    }

    /// <summary>The SplitMix64 finaliser: a bijective 64-bit mix, so each seed gives an independent-looking hash function.</summary>
    private static ulong Mix(ulong x)
    {
        x ^= x >> 30;
        x *= 0xbf58476d1ce4e5b9UL;
        x ^= x >> 27;
        x *= 0x94d049bb133111ebUL;
        x ^= x >> 31;
        return x;
    }

    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
