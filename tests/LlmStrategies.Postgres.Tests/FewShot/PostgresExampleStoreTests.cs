using System.Diagnostics;
using System.Globalization;
using LlmStrategies.FewShot;
using LlmStrategies.FewShot.Selectors;
using LlmStrategies.FewShot.Store;
using LlmStrategies.Postgres.FewShot;

namespace LlmStrategies.Postgres.Tests.FewShot;

public class PostgresExampleStoreTests
{
    private static readonly FewShotExample[] Examples =
    [
        new() { Id = "b", Input = "How long is the router warranty?", Output = "Two years.", Label = "warranty", Tags = ["faq"], Metadata = new Dictionary<string, string> { ["language"] = "en", ["product"] = "router" } },
        new() { Id = "a", Input = "Can I return an opened modem?", Output = "Within 14 days.", Label = "returns", Tags = ["faq", "corrected-in-production"], Metadata = new Dictionary<string, string> { ["language"] = "en", ["product"] = "modem" } },
        new() { Id = "c", Input = "Wie lange gilt die Garantie?", Output = "Zwei Jahre.", Label = "warranty", Metadata = new Dictionary<string, string> { ["language"] = "de", ["product"] = "router" } },
        new() { Id = "d", Input = "What does shipping cost?", Output = "It is free.", Tags = ["pricing"] },
    ];

    [Test]
    public async Task ReadsAndQueries_AsTheInMemoryStore()
    {
        await using var database = await PostgresServer.MigratedAsync();
        await using var store = new PostgresExampleStore(database);
        using var reference = ExampleStore.InMemory(Examples);
        await store.UpsertAsync(Examples);
        var queries = new ExampleQuery?[]
        {
            null,
            new() { Label = "warranty" },
            new() { Tag = "faq" },
            new() { Filter = MetadataFilter.Where("product", "router", "modem").And("language", "en") },
            new() { Label = "warranty", Filter = MetadataFilter.Where("language", "de") },
            new() { Tag = "nothing" },
        };

        foreach (var query in queries)
        {
            var expected = await reference.ListAsync(query);
            var actual = await store.ListAsync(query);
            Assert.That(actual.Select(Describe), Is.EqualTo(expected.Select(Describe)), $"label {query?.Label}, tag {query?.Tag}, filter {query?.Filter}");
        }

        Assert.That(Describe((await store.GetAsync("a"))!), Is.EqualTo(Describe(Examples[1])));
        Assert.That(await store.GetAsync("zzz"), Is.Null);
    }

    [Test]
    public async Task Version_GrowsWithEveryChange_AndNotWithoutOne()
    {
        await using var database = await PostgresServer.MigratedAsync();
        await using var store = new PostgresExampleStore(database, new PostgresExampleStoreOptions { ListenForChanges = false });

        var empty = store.Version;
        await store.UpsertAsync(Examples);
        var afterUpsert = store.Version;
        var removedNothing = await store.RemoveAsync(["no-such-id"]);
        var afterNoop = store.Version;
        var removed = await store.RemoveAsync(["a", "b", "b"]);
        var afterRemove = store.Version;

        Assert.Multiple(async () =>
        {
            Assert.That(empty, Is.Zero);
            Assert.That(afterUpsert, Is.GreaterThan(empty));
            Assert.That((removedNothing, afterNoop), Is.EqualTo((0, afterUpsert)));
            Assert.That((removed, afterRemove > afterUpsert), Is.EqualTo((2, true)));
            Assert.That((await store.ListAsync()).Select(e => e.Id), Is.EqualTo(new[] { "c", "d" }));
        });
    }

    [Test]
    public async Task OptimisticConcurrency_DetectsTheLostUpdate()
    {
        await using var database = await PostgresServer.MigratedAsync();
        await using var first = new PostgresExampleStore(database, new PostgresExampleStoreOptions { ListenForChanges = false });
        await using var secondDatabase = new PostgresDatabase(new PostgresOptions { ConnectionString = PostgresServer.ConnectionString, Schema = database.Schema });
        await using var second = new PostgresExampleStore(secondDatabase, new PostgresExampleStoreOptions { ListenForChanges = false });
        await first.UpsertAsync([Examples[0]]);

        // Both writers read version 1 and change the example from what they read.
        var readByFirst = (await first.GetVersionedAsync("b"))!.Value;
        var readBySecond = (await second.GetVersionedAsync("b"))!.Value;
        var firstWrote = await first.TryReplaceAsync(WithTag(readByFirst.Example, "checked"), readByFirst.RowVersion);
        var secondWrote = await second.TryReplaceAsync(WithTag(readBySecond.Example, "translated"), readBySecond.RowVersion);
        var final = (await first.GetVersionedAsync("b"))!.Value;

        Assert.Multiple(() =>
        {
            Assert.That(readByFirst.RowVersion, Is.EqualTo(1));
            Assert.That(firstWrote, Is.True);
            Assert.That(secondWrote, Is.False, "the second write would have erased the first writer's tag");
            Assert.That(final.Example.Tags, Is.EqualTo(new[] { "faq", "checked" }));
            Assert.That(final.RowVersion, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task TryReplace_WithVersionZero_AddsOnlyWhenAbsent()
    {
        await using var database = await PostgresServer.MigratedAsync();
        await using var store = new PostgresExampleStore(database, new PostgresExampleStoreOptions { ListenForChanges = false });

        var added = await store.TryReplaceAsync(Examples[3], 0);
        var again = await store.TryReplaceAsync(Examples[3], 0);

        Assert.That((added, again), Is.EqualTo((true, false)));
        Assert.That((await store.GetVersionedAsync("d"))!.Value.RowVersion, Is.EqualTo(1));
    }

    [Test]
    public async Task UpdateAsync_FromConcurrentWriters_LosesNoChange()
    {
        var options = PostgresServer.FreshSchema();
        await using (var setup = new PostgresDatabase(options))
        {
            await using var seed = new PostgresExampleStore(setup, new PostgresExampleStoreOptions { ListenForChanges = false });
            await seed.UpsertAsync([Examples[3]]);
        }

        // Four writers with their own connection pools, ten read-change-write updates each, all on the same example.
        var databases = Enumerable.Range(0, 4).Select(_ => new PostgresDatabase(options)).ToArray();
        var stores = databases.Select(d => new PostgresExampleStore(d, new PostgresExampleStoreOptions { ListenForChanges = false, MaxUpdateAttempts = 1_000 })).ToArray();
        try
        {
            await Task.WhenAll(stores.Select((store, w) => Task.Run(async () =>
            {
                for (var i = 0; i < 10; i++)
                {
                    await store.UpdateAsync("d", e => WithTag(e, string.Create(CultureInfo.InvariantCulture, $"w{w}-{i}")));
                }
            })));
            var final = (await stores[0].GetVersionedAsync("d"))!.Value;

            Assert.That(final.Example.Tags, Has.Count.EqualTo(41));
            Assert.That(final.Example.Tags.Skip(1), Is.EquivalentTo(Enumerable.Range(0, 4).SelectMany(w => Enumerable.Range(0, 10).Select(i => $"w{w}-{i}"))));
            Assert.That(final.RowVersion, Is.EqualTo(41));
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }

            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task UpdateAsync_FromSeparateProcesses_LosesNoChange()
    {
        var options = PostgresServer.FreshSchema();
        await using var database = new PostgresDatabase(options);
        await database.MigrateAsync();
        await using var store = new PostgresExampleStore(database, new PostgresExampleStoreOptions { ListenForChanges = false });
        await store.UpsertAsync([Examples[3]]);
        var writer = Path.Combine(AppContext.BaseDirectory, "LlmStrategies.Postgres.Tests.Writer.dll");

        var processes = Enumerable.Range(0, 3).Select(p => Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { writer, PostgresServer.ConnectionString, options.Schema, "default", "d", $"p{p}", "8" },
            RedirectStandardError = true,
            UseShellExecute = false,
        })!).ToArray();
        var errors = await Task.WhenAll(processes.Select(async p =>
        {
            var error = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            return (p.ExitCode, error);
        }));
        var final = await store.GetAsync("d");

        Assert.That(errors, Is.All.EqualTo((0, string.Empty)));
        Assert.That(final!.Tags.Skip(1), Is.EquivalentTo(Enumerable.Range(0, 3).SelectMany(p => Enumerable.Range(0, 8).Select(i => $"p{p}-{i}"))));
    }

    [Test]
    public async Task Version_FollowsAnotherProcessesWrites_ByNotification()
    {
        await using var database = await PostgresServer.MigratedAsync();
        await using var reader = new PostgresExampleStore(database);
        await using var writerDatabase = new PostgresDatabase(new PostgresOptions { ConnectionString = PostgresServer.ConnectionString, Schema = database.Schema });
        await using var writer = new PostgresExampleStore(writerDatabase, new PostgresExampleStoreOptions { ListenForChanges = false });
        await writer.UpsertAsync([Examples[0]]);
        var start = await reader.RefreshVersionAsync();

        await writer.UpsertAsync([Examples[1]]);
        var seen = await EventuallyAsync(() => reader.Version > start);

        Assert.That(seen, Is.True, "the listener saw the other instance's write (notification, or the 5 s poll) within 30 s");
        Assert.That(reader.Version, Is.EqualTo(writer.Version));
    }

    [Test]
    public async Task Selectors_AndTheLeakageGuard_WorkUnchangedOnTheDatabase()
    {
        await using var database = await PostgresServer.MigratedAsync();
        await using var store = new PostgresExampleStore(database);
        await store.UpsertAsync(Examples);
        using var reference = ExampleStore.InMemory(Examples);
        var embeddings = new HashingEmbeddingGenerator(32);
        using var onDatabase = new SemanticFewShotSelector(store, embeddings, new SemanticFewShotOptions { Order = FewShotOrder.MostSimilarFirst });
        using var inMemory = new SemanticFewShotSelector(reference, embeddings, new SemanticFewShotOptions { Order = FewShotOrder.MostSimilarFirst });
        var lexical = new LexicalFewShotSelector(store, FewShotOrder.MostSimilarFirst);

        var request = new FewShotRequest("How long is the router warranty?", 3);
        var expected = await inMemory.SelectAsync(request);
        var actual = await onDatabase.SelectAsync(request);
        var lexicalPick = await lexical.SelectAsync(request);

        // Another instance adds an example; the selector sees it once the store's version moves.
        await using var otherDatabase = new PostgresDatabase(new PostgresOptions { ConnectionString = PostgresServer.ConnectionString, Schema = database.Schema });
        await using var other = new PostgresExampleStore(otherDatabase, new PostgresExampleStoreOptions { ListenForChanges = false });
        await other.UpsertAsync([new FewShotExample { Id = "e", Input = "How many years of router warranty do I get?", Output = "Two." }]);
        await store.RefreshVersionAsync();
        var afterChange = await onDatabase.SelectAsync(new FewShotRequest("router warranty years", 2));

        Assert.Multiple(() =>
        {
            Assert.That(actual.Select(e => e.Id), Is.EqualTo(expected.Select(e => e.Id)));
            Assert.That(actual.Select(e => e.Id), Does.Not.Contain("b"), "the leakage guard keeps the identical input out");
            Assert.That(lexicalPick.Select(e => e.Id), Does.Not.Contain("b"));
            Assert.That(afterChange.Select(e => e.Id), Does.Contain("e"));
        });
    }

    [Test]
    public async Task Stores_WithDifferentNames_AreSeparate()
    {
        await using var database = await PostgresServer.MigratedAsync();
        await using var one = new PostgresExampleStore(database, new PostgresExampleStoreOptions { StoreName = "one", ListenForChanges = false });
        await using var two = new PostgresExampleStore(database, new PostgresExampleStoreOptions { StoreName = "two", ListenForChanges = false });

        await one.UpsertAsync(Examples.Take(2));
        await two.UpsertAsync(Examples.Skip(2));

        Assert.That((await one.ListAsync()).Select(e => e.Id), Is.EqualTo(new[] { "a", "b" }));
        Assert.That((await two.ListAsync()).Select(e => e.Id), Is.EqualTo(new[] { "c", "d" }));
    }

    [Test]
    public async Task BadInput_IsRejected()
    {
        await using var database = await PostgresServer.MigratedAsync();
        await using var store = new PostgresExampleStore(database, new PostgresExampleStoreOptions { ListenForChanges = false });

        Assert.Multiple(() =>
        {
            Assert.That(async () => await store.UpsertAsync([new FewShotExample { Id = " ", Input = "x", Output = "y" }]), Throws.ArgumentException.With.Message.Contains("non-empty id"));
            Assert.That(async () => await store.TryReplaceAsync(Examples[0], -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(async () => await store.UpdateAsync("b", e => new FewShotExample { Id = "renamed", Input = e.Input, Output = e.Output }), Throws.Nothing, "no example b yet: nothing to update");
            Assert.That(() => new PostgresExampleStore(database, new PostgresExampleStoreOptions { ChangePollInterval = TimeSpan.Zero }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
        await store.UpsertAsync([Examples[0]]);
        Assert.That(async () => await store.UpdateAsync("b", e => new FewShotExample { Id = "renamed", Input = e.Input, Output = e.Output }), Throws.InvalidOperationException.With.Message.Contains("keeps the id"));
    }

    private static FewShotExample WithTag(FewShotExample example, string tag) => new()
    {
        Id = example.Id,
        Input = example.Input,
        Output = example.Output,
        Label = example.Label,
        Metadata = example.Metadata,
        Tags = [.. example.Tags, tag],
    };

    private static string Describe(FewShotExample e) =>
        $"{e.Id}|{e.Input}|{e.Output}|{e.Label}|{string.Join(',', e.Tags)}|{string.Join(',', e.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value))}";

    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        for (var i = 0; i < 300; i++)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return condition();
    }
}
