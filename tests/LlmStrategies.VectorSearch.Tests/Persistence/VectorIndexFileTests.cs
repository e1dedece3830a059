using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using LlmStrategies.VectorSearch.Persistence;

namespace LlmStrategies.VectorSearch.Tests.Persistence;

public sealed class VectorIndexFileTests
{
    private const int D = 19;
    private string _folder = null!;

    [SetUp]
    public void CreateFolder()
    {
        _folder = Path.Combine(Path.GetTempPath(), "vector-index-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
    }

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (var kind in new[] { "flat", "int8", "hnsw" })
        {
            foreach (var metric in new[] { VectorMetric.DotProduct, VectorMetric.Cosine, VectorMetric.Euclidean })
            {
                yield return new TestCaseData(kind, metric, false);
            }

            yield return new TestCaseData(kind, VectorMetric.Cosine, true);
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Round_trip_preserves_results_vectors_metadata_and_deletions(string kind, VectorMetric metric, bool memoryMap)
    {
        var data = TestData.Clustered(1, 700, D, 10);
        using var index = TestData.Create(kind, D, metric);
        TestData.AddAll(index, data, D, i => i % 5 == 0 ? null : new Dictionary<string, string> { ["source"] = $"s{i % 3}" });
        index.RemoveRange(Enumerable.Range(0, 700).Where(i => i % 7 == 0));
        var path = Path.Combine(_folder, "index.lsv");
        VectorIndexFile.Save((VectorIndex<int>)index, path);
        Assert.That(Directory.GetFiles(_folder), Is.EqualTo(new[] { path }), "no temporary file is left behind");

        using var loaded = VectorIndexFile.Load<int>(path, new VectorIndexLoadOptions { MemoryMap = memoryMap });
        Assert.That(loaded.GetType(), Is.EqualTo(index.GetType()));
        Assert.That(loaded.Count, Is.EqualTo(index.Count));
        Assert.That(loaded.Metric, Is.EqualTo(metric));
        var queries = TestData.Clustered(2, 10, D, 10);
        var filter = VectorFilter.Equal("source", "s1");
        for (var q = 0; q < 10; q++)
        {
            var query = TestData.Row(queries, D, q);
            Assert.That(loaded.Search(query, 10), Is.EqualTo(index.Search(query, 10)), $"query {q}");
            Assert.That(loaded.Search(query, 10, filter), Is.EqualTo(index.Search(query, 10, filter)), $"filtered query {q}");
        }

        var a = new float[D];
        var b = new float[D];
        Assert.That(loaded.TryGetVector(7, a), Is.False, "removed keys stay removed");
        Assert.That(loaded.TryGetVector(8, a) && index.TryGetVector(8, b), Is.True);
        Assert.That(a, Is.EqualTo(b));
        Assert.That(loaded.TryGetMetadata(10, out var none) && none is null, Is.True);
        Assert.That(loaded.TryGetMetadata(11, out var some) && some!["source"] == "s2", Is.True);

        // A loaded (and memory-mapped) index accepts writes: the first growth copies the rows into managed memory.
        loaded.Add(10_000, TestData.Row(data, D, 1));
        loaded.Upsert(8, TestData.Row(data, D, 2));
        Assert.That(loaded.Search(TestData.Row(data, D, 1), 1)[0].Key, Is.AnyOf(1, 10_000));
    }

    [Test]
    public void String_and_guid_keys_round_trip_and_a_wrong_key_type_fails_clearly()
    {
        var path = Path.Combine(_folder, "strings.lsv");
        using (var index = new FlatVectorIndex<string>(2, VectorMetric.DotProduct))
        {
            index.Add("chunk-é-1", new float[] { 1, 2 });
            VectorIndexFile.Save(index, path);
        }

        using (var loaded = VectorIndexFile.Load<string>(path))
        {
            Assert.That(loaded.Contains("chunk-é-1"), Is.True);
        }

        var error = Assert.Throws<VectorIndexFormatException>(() => VectorIndexFile.Load<int>(path));
        Assert.That(error!.Message, Does.Contain("'string'").And.Contain(path));

        var guidPath = Path.Combine(_folder, "guids.lsv");
        var key = Guid.NewGuid();
        using (var index = new HnswVectorIndex<Guid>(2, VectorMetric.DotProduct))
        {
            index.Add(key, new float[] { 1, 2 });
            VectorIndexFile.Save(index, guidPath);
        }

        using var guids = VectorIndexFile.Load<Guid>(guidPath);
        Assert.That(guids.Search(new float[] { 1, 2 }, 1)[0].Key, Is.EqualTo(key));
        Assert.Throws<NotSupportedException>(() => VectorKeyCodecs.For<DateTime>());
    }

    [Test]
    public void Saving_over_an_existing_file_replaces_it()
    {
        var path = Path.Combine(_folder, "index.lsv");
        using var index = new FlatVectorIndex<int>(2, VectorMetric.DotProduct);
        index.Add(1, new float[] { 1, 0 });
        VectorIndexFile.Save(index, path);
        index.Add(2, new float[] { 0, 1 });
        VectorIndexFile.Save(index, path);
        using var loaded = VectorIndexFile.Load<int>(path);
        Assert.That(loaded.Count, Is.EqualTo(2));
    }

    [Test]
    public void Expectations_and_foreign_files_fail_with_specific_messages()
    {
        var path = SaveSample("hnsw");
        Assert.That(Assert.Throws<VectorIndexFormatException>(() => VectorIndexFile.Load<int>(path, new VectorIndexLoadOptions { ExpectedDimension = 384 }))!.Message,
            Does.Contain("dimension 19").And.Contain("384"));
        Assert.That(Assert.Throws<VectorIndexFormatException>(() => VectorIndexFile.Load<int>(path, new VectorIndexLoadOptions { ExpectedMetric = VectorMetric.Euclidean }))!.Message,
            Does.Contain("Cosine"));

        var foreign = Path.Combine(_folder, "notes.txt");
        File.WriteAllText(foreign, "this is not an index, just some text that is long enough to hold a header........");
        var error = Assert.Throws<VectorIndexFormatException>(() => VectorIndexFile.Load<int>(foreign));
        Assert.That(error!.Message, Does.Contain("not a vector index file").And.Contain(foreign));

        var bytes = File.ReadAllBytes(path);
        bytes[8] = 9; // version
        File.WriteAllBytes(path, bytes);
        Assert.That(Assert.Throws<VectorIndexFormatException>(() => VectorIndexFile.Load<int>(path))!.Message, Does.Contain("version 9"));

        var empty = Path.Combine(_folder, "empty.lsv");
        File.WriteAllBytes(empty, []);
        Assert.That(Assert.Throws<VectorIndexFormatException>(() => VectorIndexFile.Load<int>(empty))!.Message, Does.Contain("truncated"));
    }

    [TestCase("flat")]
    [TestCase("int8")]
    [TestCase("hnsw")]
    public void Every_truncation_fails_with_the_offset(string kind)
    {
        var path = SaveSample(kind);
        var bytes = File.ReadAllBytes(path);
        var random = new Random(1);
        var lengths = new[] { 0, 7, 8, 63, 64, 65, bytes.Length - 1 }.Concat(Enumerable.Range(0, 25).Select(_ => random.Next(bytes.Length)));
        foreach (var length in lengths)
        {
            var truncated = Path.Combine(_folder, $"truncated-{length}.lsv");
            File.WriteAllBytes(truncated, bytes.AsSpan(0, length).ToArray());
            var error = Assert.Throws<VectorIndexFormatException>(() => VectorIndexFile.Load<int>(truncated), $"length {length}");
            Assert.That(error!.Message, Does.Contain("truncated"), $"length {length}");
            Assert.That(error.Offset, Is.EqualTo(length));
        }
    }

    [TestCase("flat", false)]
    [TestCase("int8", false)]
    [TestCase("hnsw", false)]
    [TestCase("hnsw", true)]
    public void Randomly_corrupted_bytes_are_detected(string kind, bool memoryMap)
    {
        var path = SaveSample(kind);
        var original = File.ReadAllBytes(path);
        var random = new Random(kind.Length + (memoryMap ? 100 : 0));
        for (var trial = 0; trial < 60; trial++)
        {
            var bytes = (byte[])original.Clone();
            var flips = random.Next(1, 4);
            for (var f = 0; f < flips; f++)
            {
                bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
            }

            var corrupt = Path.Combine(_folder, $"corrupt-{trial}.lsv");
            File.WriteAllBytes(corrupt, bytes);
            Assert.Throws<VectorIndexFormatException>(() => VectorIndexFile.Load<int>(corrupt, new VectorIndexLoadOptions { MemoryMap = memoryMap }).Dispose(), $"trial {trial}");
        }
    }

    [Test]
    public void A_corrupt_payload_names_the_checksum()
    {
        var path = SaveSample("flat");
        var bytes = File.ReadAllBytes(path);
        bytes[^10] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<VectorIndexFormatException>(() => VectorIndexFile.Load<int>(path));
        Assert.That(error!.Message, Does.Contain("checksum"));
        Assert.That(error.FilePath, Is.EqualTo(path));
    }

    [Test]
    public void A_graph_with_nodes_but_no_entry_point_is_rejected_naming_the_file()
    {
        // A file written by foreign software (or edited) with the entry point set to -1 and valid checksums: it used to
        // load, and then every search returned nothing.
        var path = SaveSample("hnsw");
        RewriteWithValidChecksums(path, bytes => BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(HnswEntryOffset), -1));
        var error = Assert.Throws<VectorIndexFormatException>(() => VectorIndexFile.Load<int>(path).Dispose());
        Assert.That(error!.Message, Does.Contain(path).And.Contain("entry point").And.Contain("rebuild"));
        Assert.That(error.FilePath, Is.EqualTo(path));
    }

    [Test]
    public void An_entry_point_below_the_top_layer_is_rejected()
    {
        var path = SaveSample("hnsw");
        RewriteWithValidChecksums(path, bytes => BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(HnswEntryOffset + 4), 7));
        var error = Assert.Throws<VectorIndexFormatException>(() => VectorIndexFile.Load<int>(path).Dispose());
        Assert.That(error!.Message, Does.Contain(path).And.Contain("top layer"));
    }

    [Test]
    public void A_dimension_beyond_the_limit_is_rejected_naming_the_limit()
    {
        var path = SaveSample("flat");
        RewriteWithValidChecksums(path, bytes => BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), int.MaxValue));
        var error = Assert.Throws<VectorIndexFormatException>(() => VectorIndexFile.Load<int>(path).Dispose());
        Assert.That(error!.Message, Does.Contain(path).And.Contain("2147483647").And.Contain("1,048,576"));
        Assert.That(error.InnerException, Is.Not.InstanceOf<OverflowException>());
    }

    [Test]
    public void Disposing_a_memory_mapped_index_while_searches_run_never_unmaps_memory_they_read()
    {
        // Searches in flight keep the mapping alive; searches that start after Dispose fail with ObjectDisposedException.
        // Before readers were tracked, Dispose unmapped the rows under a running scan and the process died with SIGSEGV.
        const int d = 64;
        var path = Path.Combine(_folder, "large.lsv");
        using (var source = new FlatVectorIndex<int>(d, VectorMetric.DotProduct, initialCapacity: 40_000))
        {
            TestData.AddAll(source, TestData.Random(3, 40_000, d), d);
            VectorIndexFile.Save(source, path);
        }

        var query = TestData.Random(4, 1, d);
        for (var round = 0; round < 10; round++)
        {
            var index = VectorIndexFile.Load<int>(path, new VectorIndexLoadOptions { MemoryMap = true });
            var started = new CountdownEvent(2);
            var completed = 0;
            var unexpected = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
            var readers = Enumerable.Range(0, 2).Select(r => Task.Factory.StartNew(() =>
            {
                var results = new VectorSearchResult<int>[10];
                var counts = new int[4];
                var batch = new VectorSearchResult<int>[40];
                var queries = TestData.Random(10 + r, 4, d);
                started.Signal();
                try
                {
                    while (true)
                    {
                        Assert.That(index.SearchInto(query, results), Is.EqualTo(10));
                        index.SearchBatch(queries, 10, batch, counts, maxDegreeOfParallelism: 2);
                        Interlocked.Increment(ref completed);
                    }
                }
                catch (ObjectDisposedException)
                {
                    // expected once Dispose has run
                }
                catch (Exception ex)
                {
                    unexpected.Enqueue(ex);
                }
            }, TaskCreationOptions.LongRunning)).ToArray();

            started.Wait();
            SpinWait.SpinUntil(() => Volatile.Read(ref completed) > 0, TimeSpan.FromSeconds(30));
            index.Dispose();
            Assert.That(Task.WaitAll(readers, TimeSpan.FromSeconds(60)), Is.True);
            Assert.That(unexpected, Is.Empty, string.Join("\n", unexpected));
        }
    }

    [Test]
    public void An_undisposed_memory_mapped_index_releases_its_mapping_once_collected()
    {
        Assume.That(File.Exists("/proc/self/maps"), "needs /proc/self/maps (Linux) to see which files are mapped");
        var path = SaveSample("flat");
        LoadMappedAndForget(path);
        Assert.That(IsMapped(path), Is.False, "an index that is never disposed must not keep its file mapped after collection");

        var index = VectorIndexFile.Load<int>(path, new VectorIndexLoadOptions { MemoryMap = true });
        Assert.That(IsMapped(path), Is.True, "the check above can only pass because the mapping went away");
        index.Dispose();
        Assert.That(IsMapped(path), Is.False);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LoadMappedAndForget(string path)
    {
        var index = VectorIndexFile.Load<int>(path, new VectorIndexLoadOptions { MemoryMap = true });
        Assert.That(IsMapped(path), Is.True);
        Assert.That(index.Search(TestData.Random(1, 1, D), 3, null), Has.Length.EqualTo(3));
    }

    private static bool IsMapped(string path)
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return File.ReadAllText("/proc/self/maps").Contains(path, StringComparison.Ordinal);
    }

    /// <summary>Offset of the HNSW entry point in a file whose keys use the "int32" codec: header, codec name, M, efC, efSearch, seed.</summary>
    private const int HnswEntryOffset = 64 + 1 + 5 + 4 + 4 + 4 + 8;

    /// <summary>Applies <paramref name="edit"/> to the file bytes and recomputes both checksums, as a foreign writer would.</summary>
    private static void RewriteWithValidChecksums(string path, Action<byte[]> edit)
    {
        var bytes = File.ReadAllBytes(path);
        edit(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(40), Crc32C.Compute(bytes.AsSpan(64)));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(60), Crc32C.Compute(bytes.AsSpan(0, 60)));
        File.WriteAllBytes(path, bytes);
    }

    private string SaveSample(string kind)
    {
        var data = TestData.Random(5, 60, D);
        using var index = TestData.Create(kind, D, VectorMetric.Cosine);
        TestData.AddAll(index, data, D, i => new Dictionary<string, string> { ["k"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        index.Remove(3);
        var path = Path.Combine(_folder, $"{kind}.lsv");
        VectorIndexFile.Save((VectorIndex<int>)index, path);
        return path;
    }
}
