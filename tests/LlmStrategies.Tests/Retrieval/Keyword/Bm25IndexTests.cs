using Microsoft.Extensions.Options;
using LlmStrategies.Retrieval;
using LlmStrategies.Retrieval.Analysis;
using LlmStrategies.Retrieval.Keyword;

namespace LlmStrategies.Tests.Retrieval.Keyword;

public class Bm25IndexTests
{
    private static TextChunk Chunk(string id, string text, params (string Key, string Value)[] metadata) => new()
    {
        Id = id,
        SourceId = "doc-" + id,
        Text = text,
        Metadata = metadata.ToDictionary(m => m.Key, m => m.Value),
    };

    /// <summary>BM25 computed the slow, obvious way: every document, every query term.</summary>
    private static List<(string Id, double Score)> Reference(IReadOnlyList<TextChunk> chunks, string query, int top, double k1 = 0.9, double b = 0.4)
    {
        var analyzer = new EnglishTextAnalyzer();
        var docs = chunks.Select(c => (c.Id, Terms: analyzer.Analyze(c.Text))).ToList();
        var average = docs.Average(d => (double)d.Terms.Count);
        var scores = new List<(string Id, double Score)>();
        foreach (var (id, terms) in docs)
        {
            var score = 0.0;
            var matched = false;
            foreach (var term in analyzer.Analyze(query))
            {
                var df = docs.Count(d => d.Terms.Contains(term));
                var tf = terms.Count(t => t == term);
                if (tf == 0)
                {
                    continue;
                }

                matched = true;
                var idf = Math.Log(1 + ((docs.Count - df + 0.5) / (df + 0.5)));
                score += idf * tf * (k1 + 1) / (tf + (k1 * (1 - b + (b * terms.Count / average))));
            }

            if (matched)
            {
                scores.Add((id, score));
            }
        }

        return scores.Select((s, order) => (s, order)).OrderByDescending(x => x.s.Score).ThenBy(x => x.order).Take(top).Select(x => x.s).ToList();
    }

    private static readonly string[] Vocabulary =
    [
        "router", "firmware", "warranty", "antenna", "mesh", "signal", "update", "password", "guest", "network", "port",
        "ethernet", "cable", "power", "reset", "light", "channel", "band", "speed", "range", "the", "a", "of", "and",
    ];

    private static List<TextChunk> RandomCorpus(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(i => Chunk($"c{i}", string.Join(' ', Enumerable.Range(0, random.Next(1, 40)).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]))))
            .ToList();
    }

    [Test]
    public void KnownSmallExample_HasTheHandComputedScore()
    {
        using var index = new Bm25Index(new Bm25Options { K1 = 1.2, B = 0.75 });
        index.AddRange([Chunk("1", "router router firmware"), Chunk("2", "firmware update"), Chunk("3", "guest network")]);

        var hits = index.Search("router", 10);

        // N = 3, df = 1: idf = ln(1 + 2.5 / 1.5); tf = 2, dl = 3, avgdl = 7 / 3.
        var idf = Math.Log(1 + (2.5 / 1.5));
        var expected = idf * 2 * 2.2 / (2 + (1.2 * (1 - 0.75 + (0.75 * 3 / (7.0 / 3)))));
        Assert.Multiple(() =>
        {
            Assert.That(hits.Select(h => h.Chunk.Id), Is.EqualTo(new[] { "1" }));
            Assert.That(hits[0].Score, Is.EqualTo(expected).Within(1e-12));
        });
    }

    [Test]
    public void TopK_EqualsExhaustiveScoring_OnRandomCorpora([Values(1, 3, 10, 50)] int top)
    {
        var corpus = RandomCorpus(400, seed: 7);
        using var index = new Bm25Index();
        index.AddRange(corpus);
        var random = new Random(11);

        for (var q = 0; q < 60; q++)
        {
            var query = string.Join(' ', Enumerable.Range(0, random.Next(1, 6)).Select(_ => Vocabulary[random.Next(Vocabulary.Length)]));
            var expected = Reference(corpus, query, top);
            var actual = index.Search(query, top);

            Assert.That(actual.Select(h => h.Chunk.Id), Is.EqualTo(expected.Select(e => e.Id)), query);
            Assert.That(actual.Select(h => h.Score), Is.EqualTo(expected.Select(e => e.Score)).Within(1e-9), query);
        }
    }

    [Test]
    public void MaxScorePruning_ReturnsExactlyWhatExhaustiveScoringReturns()
    {
        // A Zipf-like corpus (word i appears with weight 1/i), where pruning really skips work.
        var random = new Random(21);
        var words = Enumerable.Range(1, 300).Select(i => $"word{i}").ToArray();
        var cumulative = words.Select((_, i) => 1.0 / (i + 1)).ToArray();
        for (var i = 1; i < cumulative.Length; i++)
        {
            cumulative[i] += cumulative[i - 1];
        }

        string Draw()
        {
            var i = Array.BinarySearch(cumulative, random.NextDouble() * cumulative[^1]);
            return words[Math.Min(words.Length - 1, i >= 0 ? i : ~i)];
        }

        var corpus = Enumerable.Range(0, 3_000).Select(i => Chunk($"z{i}", string.Join(' ', Enumerable.Range(0, 30).Select(_ => Draw())))).ToList();
        using var pruned = new Bm25Index();
        using var exhaustive = new Bm25Index();
        pruned.AddRange(corpus);
        exhaustive.AddRange(corpus);
        exhaustive.Pruning = false;

        for (var q = 0; q < 200; q++)
        {
            var query = string.Join(' ', Enumerable.Range(0, random.Next(1, 7)).Select(_ => Draw()));
            foreach (var top in new[] { 1, 10, 100 })
            {
                Assert.That(pruned.Search(query, top).Select(h => (h.Chunk.Id, h.Score)), Is.EqualTo(exhaustive.Search(query, top).Select(h => (h.Chunk.Id, h.Score))), $"{query} top {top}");
            }
        }
    }

    [Test]
    public void ContentFingerprint_DependsOnContentNotOrder_AndFollowsChanges()
    {
        using var a = new Bm25Index();
        using var b = new Bm25Index();
        a.AddRange([Chunk("1", "router"), Chunk("2", "firmware")]);
        b.AddRange([Chunk("2", "firmware"), Chunk("1", "router")]);
        var before = a.ContentFingerprint;

        a.Add(Chunk("3", "warranty"));
        var added = a.ContentFingerprint;
        a.Remove("3");
        a.Upsert(Chunk("2", "firmware updates"));

        Assert.Multiple(() =>
        {
            Assert.That(b.ContentFingerprint, Is.EqualTo(before));
            Assert.That(added, Is.Not.EqualTo(before));
            Assert.That(a.ContentFingerprint, Is.Not.EqualTo(before), "changed text, changed digest");
            Assert.That(new FingerprintBuilder().AddComponent("r", new KeywordRetriever(a)).Build(), Is.Not.EqualTo(new FingerprintBuilder().AddComponent("r", new KeywordRetriever(b)).Build()));
        });
    }

    [Test]
    public void Ties_AreBrokenByInsertionOrder()
    {
        using var index = new Bm25Index();
        index.AddRange([Chunk("b", "warranty"), Chunk("a", "warranty"), Chunk("c", "warranty")]);

        Assert.That(index.Search("warranty", 2).Select(h => h.Chunk.Id), Is.EqualTo(new[] { "b", "a" }));
    }

    [Test]
    public void RepeatedQueryTerms_CountOncePerOccurrence()
    {
        using var index = new Bm25Index();
        index.AddRange([Chunk("1", "router firmware"), Chunk("2", "router")]);

        var once = index.Search("firmware", 1)[0].Score;
        var twice = index.Search("firmware firmware", 1)[0].Score;

        Assert.That(twice, Is.EqualTo(2 * once).Within(1e-12));
    }

    [Test]
    public void RemoveAndUpsert_ChangeResultsAndStatistics_LikeARebuild()
    {
        var corpus = RandomCorpus(300, seed: 3);
        using var index = new Bm25Index();
        index.AddRange(corpus);
        var random = new Random(5);
        var removed = corpus.Where(_ => random.NextDouble() < 0.5).Select(c => c.Id).ToHashSet();
        foreach (var id in removed)
        {
            Assert.That(index.Remove(id), Is.True);
        }

        var replaced = Chunk("c1", "router router router antenna");
        index.Upsert(replaced);
        var remaining = corpus.Where(c => !removed.Contains(c.Id) && c.Id != "c1").Append(replaced).ToList();
        using var rebuilt = new Bm25Index();
        rebuilt.AddRange(remaining);

        Assert.Multiple(() =>
        {
            Assert.That(index.Count, Is.EqualTo(remaining.Count));
            Assert.That(index.Remove("c1-missing"), Is.False);
            foreach (var query in new[] { "router antenna", "firmware update password", "guest network band speed" })
            {
                Assert.That(index.Search(query, 20).Select(h => (h.Chunk.Id, Math.Round(h.Score, 9))),
                    Is.EquivalentTo(rebuilt.Search(query, 20).Select(h => (h.Chunk.Id, Math.Round(h.Score, 9)))), query);
            }
        });
    }

    [Test]
    public void Add_RejectsADuplicateId()
    {
        using var index = new Bm25Index();
        index.Add(Chunk("1", "a"));

        Assert.That(() => index.Add(Chunk("1", "b")), Throws.ArgumentException.With.Message.Contains("'1' is already in the index").And.Message.Contains("Upsert"));
    }

    [Test]
    public void Filter_RestrictsResults_AndAnUnknownFieldIsASpecificError()
    {
        using var index = new Bm25Index();
        index.AddRange([Chunk("1", "router warranty", ("product", "x1")), Chunk("2", "router warranty", ("product", "x2")), Chunk("3", "router")]);

        Assert.Multiple(() =>
        {
            Assert.That(index.Search("warranty router", 10, MetadataFilter.Where("product", "x2")).Select(h => h.Chunk.Id), Is.EqualTo(new[] { "2" }));
            Assert.That(() => index.Search("router", 10, MetadataFilter.Where("prodcut", "x2")),
                Throws.ArgumentException.With.Message.Contains("'prodcut'").And.Message.Contains("fields: product"));
        });
    }

    [Test]
    public void BadQueries_AreSpecificErrors_AndStopWordOnlyQueriesFindNothing()
    {
        using var index = new Bm25Index(new Bm25Options { MaxQueryLength = 20 });
        index.Add(Chunk("1", "router"));

        Assert.Multiple(() =>
        {
            Assert.That(() => index.Search("  ", 5), Throws.ArgumentException.With.Message.Contains("empty"));
            Assert.That(() => index.Search(new string('x', 21), 5), Throws.ArgumentException.With.Message.Contains("21 characters").And.Message.Contains("MaxQueryLength"));
            Assert.That(() => index.Search("router", 0), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(index.Search("the of and", 5), Is.Empty);
            Assert.That(index.Search("unknownterm", 5), Is.Empty);
        });
    }

    [Test]
    public void InvalidOptions_AreRejected()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new Bm25Index(new Bm25Options { B = 1.5 }), Throws.TypeOf<OptionsValidationException>().With.Message.Contains("Bm25Options.B"));
            Assert.That(() => new Bm25Index(new Bm25Options { K1 = double.NaN }), Throws.TypeOf<OptionsValidationException>().With.Message.Contains("Bm25Options.K1"));
            Assert.That(() => new Bm25Index(new Bm25Options { K1 = double.PositiveInfinity }), Throws.TypeOf<OptionsValidationException>().With.Message.Contains("Bm25Options.K1"));
            Assert.That(() => new Bm25Index(new Bm25Options { MaxQueryLength = 0 }), Throws.TypeOf<OptionsValidationException>().With.Message.Contains("Bm25Options.MaxQueryLength"));
        });
    }

    [Test]
    public void Search_AllocatesNothingAfterWarmUp()
    {
        using var index = new Bm25Index();
        index.AddRange(RandomCorpus(500, seed: 1));
        var results = new KeywordHit[10];
        const string Query = "router firmware warranty signal the";
        for (var i = 0; i < 10; i++)
        {
            index.Search(Query, results, null);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var found = 0;
        for (var i = 0; i < 100; i++)
        {
            found += index.Search(Query, results, null);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Multiple(() =>
        {
            Assert.That(found, Is.EqualTo(1000));
            Assert.That(allocated, Is.Zero);
        });
    }

    /// <summary>
    /// Four readers search while one writer adds and removes chunks that all contain the word "zebra". The writer waits
    /// for a search to complete between consecutive writes, so reads and writes interleave. A search must never
    /// return a chunk whose removal completed before the search started, nor a chunk the writer never added; after the
    /// last write, the search returns exactly the remaining chunks.
    /// </summary>
    [Test]
    public void ConcurrentSearches_WhileOneWriterAddsAndRemoves_NeverReturnARemovedOrUnaddedChunk()
    {
        using var index = new Bm25Index();
        index.AddRange(RandomCorpus(200, seed: 2));
        var extra = Enumerable.Range(0, 400).Select(i => Chunk($"x{i}", $"zebra {Vocabulary[i % Vocabulary.Length]} {Vocabulary[(i * 7) % Vocabulary.Length]}")).ToList();
        var mayBeVisible = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        var removedAt = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        long clock = 0;
        var writing = 1;
        var searches = 0;
        using var start = new Barrier(5);

        var readers = Enumerable.Range(0, 4).Select(r => Task.Factory.StartNew(() =>
        {
            var results = new KeywordHit[500];
            start.SignalAndWait();
            while (Volatile.Read(ref writing) == 1)
            {
                var startedAt = Interlocked.Read(ref clock);
                var found = index.Search("zebra", results, null);
                foreach (var hit in results.AsSpan(0, found))
                {
                    if (!mayBeVisible.ContainsKey(hit.Chunk.Id))
                    {
                        errors.Enqueue($"{hit.Chunk.Id} was returned before it was added");
                    }

                    if (removedAt.TryGetValue(hit.Chunk.Id, out var removed) && removed <= startedAt)
                    {
                        errors.Enqueue($"{hit.Chunk.Id} was returned by a search that started after its removal");
                    }
                }

                Interlocked.Increment(ref searches);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();

        var random = new Random(11);
        var live = new List<string>();
        start.SignalAndWait();
        try
        {
            foreach (var chunk in extra)
            {
                mayBeVisible[chunk.Id] = true;
                index.Add(chunk);
                live.Add(chunk.Id);
                AwaitOneMoreSearch();
                if (live.Count > 1 && random.Next(4) != 0)
                {
                    var victim = live[random.Next(live.Count)];
                    live.Remove(victim);
                    Assert.That(index.Remove(victim), Is.True);
                    removedAt[victim] = Interlocked.Increment(ref clock);
                    AwaitOneMoreSearch();
                }
            }
        }
        finally
        {
            Volatile.Write(ref writing, 0);
            Task.WaitAll(readers);
        }

        Assert.Multiple(() =>
        {
            Assert.That(errors, Is.Empty, string.Join("\n", errors.Take(10)));
            Assert.That(removedAt, Has.Count.GreaterThan(250), "enough removals to trigger compaction");
            Assert.That(index.Count, Is.EqualTo(200 + live.Count));
            Assert.That(index.Search("zebra", 1000).Select(h => h.Chunk.Id), Is.EquivalentTo(live));
        });

        void AwaitOneMoreSearch()
        {
            var seen = Volatile.Read(ref searches);
            Assert.That(SpinWait.SpinUntil(() => Volatile.Read(ref searches) > seen, TimeSpan.FromSeconds(30)), Is.True, "the readers stopped searching");
        }
    }

    [Test]
    public void SaveAndLoad_RoundTripsResultsMetadataAndSettings()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bm25-{Guid.NewGuid():N}.idx");
        try
        {
            using var index = new Bm25Index(new Bm25Options { K1 = 1.3, B = 0.6, Analyzer = new TextAnalyzerOptions { StopWords = ["router"] } });
            index.AddRange(RandomCorpus(150, seed: 4));
            index.Add(Chunk("meta", "warranty card", ("lang", "de")));
            index.Remove("c5");
            index.Save(path);

            using var loaded = Bm25Index.Load(path);

            Assert.Multiple(() =>
            {
                Assert.That(loaded.Count, Is.EqualTo(index.Count));
                Assert.That(loaded.ContentFingerprint, Is.EqualTo(index.ContentFingerprint));
                Assert.That(loaded.K1, Is.EqualTo(1.3));
                Assert.That(loaded.Analyzer.StopWords, Is.EqualTo(new[] { "router" }));
                Assert.That(loaded.TryGetChunk("meta", out var meta) && meta.Metadata["lang"] == "de", Is.True);
                Assert.That(loaded.TryGetChunk("c5", out _), Is.False);
                foreach (var query in new[] { "router firmware", "warranty", "guest band" })
                {
                    Assert.That(loaded.Search(query, 15).Select(h => (h.Chunk.Id, h.Score)), Is.EqualTo(index.Search(query, 15).Select(h => (h.Chunk.Id, h.Score))), query);
                }

                Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}*.tmp"), Is.Empty, "no temporary file is left behind");
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Load_RejectsForeignTruncatedAndCorruptFiles_WithSpecificMessages()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bm25-{Guid.NewGuid():N}.idx");
        try
        {
            using (var index = new Bm25Index())
            {
                index.AddRange(RandomCorpus(50, seed: 8));
                index.Save(path);
            }

            var good = File.ReadAllBytes(path);

            File.WriteAllText(path, "{\"not\": \"an index\"}");
            Assert.That(() => Bm25Index.Load(path), Throws.TypeOf<IndexFormatException>().With.Message.Contains("not a BM25 index file").And.Message.Contains(path));

            var otherVersion = (byte[])good.Clone();
            otherVersion[8] = 99;
            File.WriteAllBytes(path, otherVersion);
            Assert.That(() => Bm25Index.Load(path), Throws.TypeOf<IndexFormatException>().With.Message.Contains("version 99"));

            File.WriteAllBytes(path, good[..(good.Length / 2)]);
            Assert.That(() => Bm25Index.Load(path), Throws.TypeOf<IndexFormatException>().With.Message.Contains("checksum"));

            File.WriteAllBytes(path, good[..20]);
            Assert.That(() => Bm25Index.Load(path), Throws.TypeOf<IndexFormatException>().With.Message.Contains("truncated"));

            // Any single corrupted byte is detected: by the signature, the version or the checksum.
            var random = new Random(42);
            for (var trial = 0; trial < 200; trial++)
            {
                var corrupt = (byte[])good.Clone();
                var position = random.Next(corrupt.Length);
                corrupt[position] ^= (byte)random.Next(1, 256);
                File.WriteAllBytes(path, corrupt);
                Assert.That(() => Bm25Index.Load(path), Throws.TypeOf<IndexFormatException>(), $"byte {position}");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Save_ReplacesAnExistingFileAtomically()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bm25-{Guid.NewGuid():N}.idx");
        try
        {
            using var first = new Bm25Index();
            first.Add(Chunk("1", "router"));
            first.Save(path);
            using var second = new Bm25Index();
            second.AddRange([Chunk("1", "router"), Chunk("2", "firmware")]);
            second.Save(path);

            using var loaded = Bm25Index.Load(path);
            Assert.That(loaded.Count, Is.EqualTo(2));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
