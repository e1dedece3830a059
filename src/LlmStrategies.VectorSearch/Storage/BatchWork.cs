using LlmStrategies.VectorSearch.Kernels;

namespace LlmStrategies.VectorSearch.Storage;

/// <summary>
/// Pointers to one batch search's prepared queries and outputs (query <c>i</c> owns <c>[i·K, i·K + K)</c>) and, when the
/// batch is split by rows, one private set of heaps per worker (worker <c>w</c>, query <c>i</c> at
/// <c>[(w·QueryCount + i)·K, … + K)</c>), merged into the outputs when every part is done.
/// </summary>
internal readonly unsafe struct BatchWork(float* queries, int queryCount, int k, float* scores, int* slots, int* counts, BatchHeaps workerHeaps)
{
    public float* Queries { get; } = queries;

    public int QueryCount { get; } = queryCount;

    public int K { get; } = k;

    public float* Scores { get; } = scores;

    public int* Slots { get; } = slots;

    public int* Counts { get; } = counts;

    /// <summary>Per-worker heaps of a batch split by rows; <see cref="BatchHeaps.Workers"/> is 0 otherwise.</summary>
    public BatchHeaps WorkerHeaps { get; } = workerHeaps;

    /// <summary>The heap of query <paramref name="q"/>: the output heap when <paramref name="worker"/> is negative, else that worker's private one.</summary>
    public TopK Heap(int worker, int q)
    {
        var offset = worker < 0 ? (long)q * K : (((long)worker * QueryCount) + q) * K;
        var scores = worker < 0 ? Scores : WorkerHeaps.Scores;
        var slots = worker < 0 ? Slots : WorkerHeaps.Slots;
        return new TopK(new Span<float>(scores + offset, K), new Span<int>(slots + offset, K), K, Count(worker, q));
    }

    public int Count(int worker, int q) => worker < 0 ? Counts[q] : WorkerHeaps.Counts[((long)worker * QueryCount) + q];

    public void SetCount(int worker, int q, int count)
    {
        if (worker < 0)
        {
            Counts[q] = count;
        }
        else
        {
            WorkerHeaps.Counts[((long)worker * QueryCount) + q] = count;
        }
    }

    /// <summary>Merges every worker's heap of each query into the output, best first.</summary>
    public void MergeWorkerHeaps()
    {
        for (var q = 0; q < QueryCount; q++)
        {
            var merged = new TopK(new Span<float>(Scores + ((long)q * K), K), new Span<int>(Slots + ((long)q * K), K), K);
            for (var w = 0; w < WorkerHeaps.Workers; w++)
            {
                var offset = (((long)w * QueryCount) + q) * K;
                var n = WorkerHeaps.Counts[((long)w * QueryCount) + q];
                for (var i = 0; i < n; i++)
                {
                    merged.Push(WorkerHeaps.Scores[offset + i], WorkerHeaps.Slots[offset + i]);
                }
            }

            Counts[q] = merged.SortDescending();
        }
    }
}

/// <summary>Storage for the private heaps of the workers of a batch split by rows.</summary>
internal readonly unsafe struct BatchHeaps(int workers, float* scores, int* slots, int* counts)
{
    public int Workers { get; } = workers;

    public float* Scores { get; } = scores;

    public int* Slots { get; } = slots;

    public int* Counts { get; } = counts;
}

/// <summary>
/// How a parallel batch is divided: <see cref="Parts"/> pieces claimed by up to <see cref="Workers"/> threads; by
/// queries (each part searches some queries over every row) or by rows (each part searches every query over some rows,
/// into its worker's private heaps).
/// </summary>
internal readonly record struct BatchPlan(int Parts, int Workers, bool ByRows)
{
    public static BatchPlan Sequential => new(1, 1, false);
}
