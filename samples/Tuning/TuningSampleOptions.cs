namespace TuningSample;

/// <summary>The sample's settings (--Name=value on the command line).</summary>
internal sealed class TuningSampleOptions
{
    /// <summary>The SQuAD v1.1 JSON file; default ../shared/data/squad/squad-v1.1-dev-part-a.json found above the working directory.</summary>
    public string? Data { get; set; }

    /// <summary>Where the reports, the tuned configuration and summary.md go.</summary>
    public string Output { get; set; } = Path.Combine("artifacts", "tuning");

    /// <summary>The seed of the article split.</summary>
    public int SplitSeed { get; set; } = 42;

    /// <summary>The seed of the searches (successive halving's dev order) and of the statistics.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>How many successive-halving seeds the efficiency benchmark repeats (seeds 1..N).</summary>
    public int HalvingSeeds { get; set; } = 10;

    /// <summary>Bootstrap resamples and permutations.</summary>
    public int Resamples { get; set; } = 10_000;

    /// <summary>The parts to run, comma-separated: fusion, ladder, halving, grid.</summary>
    public string Parts { get; set; } = "fusion,ladder,halving,grid";

    /// <summary>The local embedding model folder; default .models/use-lite above the working directory.</summary>
    public string? EmbeddingModel { get; set; }

    /// <summary>Calls in flight at once.</summary>
    public int Parallelism { get; set; } = Environment.ProcessorCount;

    public bool Runs(string part) => Parts.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Contains(part, StringComparer.OrdinalIgnoreCase);
}
