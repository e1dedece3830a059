using System.Globalization;
using LlmStrategies;
using LlmStrategies.Postgres;
using LlmStrategies.Postgres.FewShot;

// Usage: Writer <connection string> <schema> <store> <example id> <writer name> <updates>
// Adds the tags "<writer name>-0" ... "<writer name>-(updates-1)" to one example, one optimistic update each, and
// exits 0; any error exits 1 with the message on standard error.
if (args.Length != 6)
{
    Console.Error.WriteLine("usage: Writer <connection string> <schema> <store> <example id> <writer name> <updates>");
    return 2;
}

try
{
    await using var database = new PostgresDatabase(new PostgresOptions { ConnectionString = args[0], Schema = args[1] });
    await using var store = new PostgresExampleStore(database, new PostgresExampleStoreOptions { StoreName = args[2], ListenForChanges = false, MaxUpdateAttempts = 1_000 });
    var updates = int.Parse(args[5], CultureInfo.InvariantCulture);
    for (var i = 0; i < updates; i++)
    {
        var tag = string.Create(CultureInfo.InvariantCulture, $"{args[4]}-{i}");
        var written = await store.UpdateAsync(args[3], e => new FewShotExample { Id = e.Id, Input = e.Input, Output = e.Output, Label = e.Label, Metadata = e.Metadata, Tags = [.. e.Tags, tag] });
        if (written is null)
        {
            Console.Error.WriteLine($"example {args[3]} not found");
            return 1;
        }
    }

    return 0;
}
catch (Exception ex)
{
    Console.Error.WriteLine(ex);
    return 1;
}
