using System.Globalization;

namespace VectorHarness;

/// <summary>The command line: job, data folder and --name value options.</summary>
internal sealed class Options
{
    public required string Job { get; init; }

    public required string Data { get; init; }

    public int Threads { get; init; } = 1;

    public int Reps { get; init; } = 3;

    public int M { get; init; } = 16;

    public int EfConstruction { get; init; } = 200;

    public int[] EfSearch { get; init; } = [10, 20, 40, 80, 160];

    public int Multiplier { get; init; } = 4;

    public string? Save { get; init; }

    public string? Load { get; init; }

    public static Options Parse(string[] args)
    {
        if (args.Length < 2)
        {
            throw new ArgumentException("usage: VectorHarness JOB DATA_DIR [--threads T] [--reps R] [--m M] [--efc EFC] [--ef a,b,c] [--multiplier M] [--save PATH | --load PATH]");
        }

        var named = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 2; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected '--name value' at '{args[i]}'");
            }

            named[args[i][2..]] = args[i + 1];
        }

        int Int(string name, int fallback) => named.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new Options
        {
            Job = args[0],
            Data = args[1],
            Threads = Int("threads", 1),
            Reps = Int("reps", 3),
            M = Int("m", 16),
            EfConstruction = Int("efc", 200),
            Multiplier = Int("multiplier", 4),
            EfSearch = named.TryGetValue("ef", out var ef) ? ef.Split(',').Select(e => int.Parse(e, CultureInfo.InvariantCulture)).ToArray() : [10, 20, 40, 80, 160],
            Save = named.GetValueOrDefault("save"),
            Load = named.GetValueOrDefault("load"),
        };
    }
}
