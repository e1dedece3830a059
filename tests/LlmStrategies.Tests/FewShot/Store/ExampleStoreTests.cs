using LlmStrategies.FewShot.Store;
using LlmStrategies.Retrieval;

namespace LlmStrategies.Tests.FewShot.Store;

public class ExampleStoreTests
{
    private string _path = null!;

    [SetUp]
    public void CreatePath() => _path = Path.Combine(Path.GetTempPath(), $"examples-{Guid.NewGuid():N}.json");

    [TearDown]
    public void DeletePath()
    {
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_path)!, $"*{Path.GetFileName(_path)}*"))
        {
            File.Delete(file);
        }
    }

    private static FewShotExample Example(string id, string? label = null, string[]? tags = null, string? lang = null) => new()
    {
        Id = id,
        Input = "input " + id,
        Output = "output " + id,
        Label = label,
        Tags = tags ?? [],
        Metadata = lang is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["lang"] = lang },
    };

    [Test]
    public async Task AddUpdateRemoveAndList_ByLabelTagAndMetadata()
    {
        using var store = ExampleStore.InMemory();
        await store.UpsertAsync([Example("b", "billing", ["gold"]), Example("a", "tech", lang: "de"), Example("c", "billing")]);
        await store.UpsertAsync([new FewShotExample { Id = "a", Input = "new input", Output = "new output", Label = "tech" }]);

        Assert.Multiple(async () =>
        {
            Assert.That((await store.ListAsync()).Select(e => e.Id), Is.EqualTo(new[] { "a", "b", "c" }), "ordered by id");
            Assert.That((await store.GetAsync("a"))!.Input, Is.EqualTo("new input"));
            Assert.That((await store.ListAsync(new ExampleQuery { Label = "billing" })).Select(e => e.Id), Is.EqualTo(new[] { "b", "c" }));
            Assert.That((await store.ListAsync(new ExampleQuery { Tag = "gold" })).Select(e => e.Id), Is.EqualTo(new[] { "b" }));
            Assert.That((await store.ListAsync(new ExampleQuery { Label = "billing", Tag = "gold" })).Select(e => e.Id), Is.EqualTo(new[] { "b" }));
            Assert.That(await store.RemoveAsync(["b", "zzz"]), Is.EqualTo(1));
            Assert.That(await store.GetAsync("b"), Is.Null);
            Assert.That(store.Version, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task PersistedStore_SurvivesARestart()
    {
        using (var store = ExampleStore.Open(_path))
        {
            await store.UpsertAsync([Example("1", "x", ["t"], "en"), Example("2")]);
            await store.RemoveAsync(["2"]);
        }

        using var reopened = ExampleStore.Open(_path);
        var example = await reopened.GetAsync("1");

        Assert.Multiple(() =>
        {
            Assert.That(reopened.Count, Is.EqualTo(1));
            Assert.That(example!.Label, Is.EqualTo("x"));
            Assert.That(example.Tags, Is.EqualTo(new[] { "t" }));
            Assert.That(example.Metadata["lang"], Is.EqualTo("en"));
        });
    }

    [Test]
    public async Task ACrashBetweenWritingAndRenaming_LeavesTheOldStateOnDiskAndInMemory()
    {
        using (var store = ExampleStore.Open(_path))
        {
            await store.UpsertAsync([Example("old")]);
            store.BeforeRename = () => throw new IOException("simulated crash");

            Assert.That(async () => await store.UpsertAsync([Example("new")]), Throws.TypeOf<IOException>());
            Assert.That(await store.GetAsync("new"), Is.Null, "a change that is not durable is not published");
        }

        using var reopened = ExampleStore.Open(_path);
        Assert.Multiple(async () =>
        {
            Assert.That((await reopened.ListAsync()).Select(e => e.Id), Is.EqualTo(new[] { "old" }));
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(_path)!, $".{Path.GetFileName(_path)}*.tmp"), Is.Empty, "the temporary file is removed");
        });
    }

    [Test]
    public async Task ATornOrEditedFile_FailsToOpenLoudly_NeverAsAPartialStore()
    {
        using (var store = ExampleStore.Open(_path))
        {
            await store.UpsertAsync(Enumerable.Range(0, 20).Select(i => Example($"e{i}")));
        }

        var good = File.ReadAllText(_path);

        File.WriteAllText(_path, good[..(good.Length / 2)]);
        Assert.That(() => ExampleStore.Open(_path), Throws.TypeOf<IndexFormatException>().With.Message.Contains("not valid example-store JSON").And.Message.Contains(_path));

        File.WriteAllText(_path, good.Replace("output e7", "output e7 (edited)", StringComparison.Ordinal));
        Assert.That(() => ExampleStore.Open(_path), Throws.TypeOf<IndexFormatException>().With.Message.Contains("checksum"));

        File.WriteAllText(_path, """{"format": "something-else", "version": 1, "sha256": "", "examples": []}""");
        Assert.That(() => ExampleStore.Open(_path), Throws.TypeOf<IndexFormatException>().With.Message.Contains("not an example-store file"));

        File.WriteAllText(_path, good.Replace("\"version\": 1", "\"version\": 7", StringComparison.Ordinal));
        Assert.That(() => ExampleStore.Open(_path), Throws.TypeOf<IndexFormatException>().With.Message.Contains("version 7"));
    }

    [Test]
    public async Task ConcurrentReaders_WhileOneWriterAdds_SeeWholeSnapshots()
    {
        using var store = ExampleStore.Open(_path);
        using var stop = new CancellationTokenSource();
        var errors = new List<string>();
        var reads = 0;
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                // Batches of two are written together, so a snapshot always holds an even number of examples.
                var count = (await store.ListAsync()).Count;
                if (count % 2 != 0)
                {
                    lock (errors)
                    {
                        errors.Add($"torn snapshot of {count}");
                    }
                }

                Interlocked.Increment(ref reads);
            }
        })).ToArray();

        for (var i = 0; i < 50; i++)
        {
            await store.UpsertAsync([Example($"a{i}"), Example($"b{i}")]);
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Multiple(() =>
        {
            Assert.That(errors, Is.Empty);
            Assert.That(reads, Is.GreaterThan(0));
            Assert.That(store.Count, Is.EqualTo(100));
        });
    }

    [Test]
    public void InvalidExamples_AreRejected()
    {
        using var store = ExampleStore.InMemory();

        Assert.That(async () => await store.UpsertAsync([new FewShotExample { Id = " ", Input = "i", Output = "o" }]), Throws.ArgumentException.With.Message.Contains("non-empty id"));
    }

    [Test]
    public async Task TwoStoresOnOneFile_LoseNoUpdate()
    {
        using var first = ExampleStore.Open(_path);
        using var second = ExampleStore.Open(_path);

        await first.UpsertAsync([Example("a")]);
        await second.UpsertAsync([Example("b")]);
        await first.RemoveAsync(["missing"]);
        using var reopened = ExampleStore.Open(_path);

        Assert.Multiple(async () =>
        {
            Assert.That((await reopened.ListAsync()).Select(e => e.Id), Is.EqualTo(new[] { "a", "b" }), "the second store's write kept the first one's example");
            Assert.That((await second.ListAsync()).Select(e => e.Id), Is.EqualTo(new[] { "a", "b" }));
            Assert.That((await first.ListAsync()).Select(e => e.Id), Is.EqualTo(new[] { "a", "b" }), "the first store picked up the second's change on its next write");
        });
    }

    [Test]
    public void DuplicateIds_AreRejectedNamingTheId()
    {
        using var store = ExampleStore.InMemory();

        Assert.Multiple(() =>
        {
            Assert.That(async () => await store.UpsertAsync([Example("x"), Example("x")]), Throws.ArgumentException.With.Message.Contains("'x'"));
            Assert.That(() => ExampleStore.InMemory([Example("y"), Example("y")]), Throws.ArgumentException.With.Message.Contains("'y'"));
        });
    }

    [Test]
    public async Task AnOrphanOfAnInterruptedSave_IsRemovedOnTheNextOpen()
    {
        using (var store = ExampleStore.Open(_path))
        {
            await store.UpsertAsync([Example("a")]);
        }

        var orphan = Path.Combine(Path.GetDirectoryName(_path)!, $".{Path.GetFileName(_path)}.{Guid.NewGuid():N}.tmp");
        await File.WriteAllTextAsync(orphan, "{\"format\":");
        using var reopened = ExampleStore.Open(_path);

        Assert.That(File.Exists(orphan), Is.False);
    }
}
