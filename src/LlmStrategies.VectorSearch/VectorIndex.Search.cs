using System.Buffers;
using System.Numerics.Tensors;
using LlmStrategies.VectorSearch.Filtering;
using LlmStrategies.VectorSearch.Storage;

namespace LlmStrategies.VectorSearch;

/// <content>Search: argument checks, query preparation, single and batch search.</content>
public abstract unsafe partial class VectorIndex<TKey>
{

    /// <inheritdoc />
    public VectorSearchResult<TKey>[] Search(ReadOnlySpan<float> query, int k, VectorFilter? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var results = new VectorSearchResult<TKey>[Math.Min(k, Math.Max(Count, 1))];
        var found = SearchInto(query, results, filter);
        return found == results.Length ? results : results[..found];
    }

    /// <inheritdoc />
    public int SearchInto(ReadOnlySpan<float> query, Span<VectorSearchResult<TKey>> destination, VectorFilter? filter = null)
    {
        ValidateVector(query, nameof(query));
        var k = destination.Length;
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1, nameof(destination));
        ThrowIfDisposed();
        var snapshot = Snapshot;
        var resolved = ResolvedFilter.Resolve(filter, snapshot.Columns);
        if (resolved.MatchesNothing || snapshot.LiveCount == 0)
        {
            return 0;
        }

        float[]? rentedQuery = null;
        float[]? rentedScores = null;
        int[]? rentedSlots = null;
        // Aligned to 64 bytes: every kernel step loads the query once, and a load split across two cache lines costs double.
        var padded = Dimension + 16;
        var unaligned = Dimension <= StackLimit ? stackalloc float[padded] : (rentedQuery = ArrayPool<float>.Shared.Rent(padded)).AsSpan(0, padded);
        var scores = k <= StackLimit ? stackalloc float[k] : (rentedScores = ArrayPool<float>.Shared.Rent(k)).AsSpan(0, k);
        var slots = k <= StackLimit ? stackalloc int[k] : (rentedSlots = ArrayPool<int>.Shared.Rent(k)).AsSpan(0, k);
        var mapping = snapshot.Rows.Mapping;
        mapping?.AddReader();
        try
        {
            int found;
            fixed (float* start = unaligned)
            {
                var q = Align64(start);
                PrepareQuery(query, new Span<float>(q, Dimension));
                found = SearchCore(snapshot, q, ref resolved, scores, slots);
            }

            var keys = snapshot.Keys;
            for (var i = 0; i < found; i++)
            {
                destination[i] = new VectorSearchResult<TKey>(keys[slots[i]], scores[i]);
            }

            return found;
        }
        finally
        {
            mapping?.RemoveReader();
            ReturnRented(rentedQuery, rentedScores, rentedSlots);
        }
    }

    /// <inheritdoc />
    public void SearchBatch(ReadOnlySpan<float> queries, int k, Span<VectorSearchResult<TKey>> results, Span<int> counts, VectorFilter? filter = null, int maxDegreeOfParallelism = 1)
    {
        var nq = ValidateBatch(queries, k, results, counts, maxDegreeOfParallelism);
        if (nq == 0)
        {
            return;
        }

        var snapshot = Snapshot;
        var resolved = ResolvedFilter.Resolve(filter, snapshot.Columns);
        if (resolved.MatchesNothing || snapshot.LiveCount == 0)
        {
            counts[..nq].Clear();
            return;
        }

        var parallelism = Math.Min(maxDegreeOfParallelism, Environment.ProcessorCount * 4);
        var plan = parallelism > 1 ? PlanBatch(snapshot, nq, k, parallelism) : BatchPlan.Sequential;
        var total = nq * k;
        var heapEntries = plan.ByRows ? (long)plan.Workers * total : 0;
        var prepared = ArrayPool<float>.Shared.Rent(queries.Length + 16);
        var scores = ArrayPool<float>.Shared.Rent(total);
        var slots = ArrayPool<int>.Shared.Rent(total);
        var found = ArrayPool<int>.Shared.Rent(nq);
        var heapScores = ArrayPool<float>.Shared.Rent((int)heapEntries);
        var heapSlots = ArrayPool<int>.Shared.Rent((int)heapEntries);
        var heapCounts = ArrayPool<int>.Shared.Rent(plan.ByRows ? plan.Workers * nq : 0);
        var mapping = snapshot.Rows.Mapping;
        mapping?.AddReader();
        try
        {
            fixed (float* start = prepared)
            fixed (float* s = scores)
            fixed (int* sl = slots)
            fixed (int* f = found)
            fixed (float* hs = heapScores)
            fixed (int* hsl = heapSlots)
            fixed (int* hc = heapCounts)
            {
                var q = Align64(start);
                for (var i = 0; i < nq; i++)
                {
                    PrepareQuery(queries.Slice(i * Dimension, Dimension), new Span<float>(q + ((long)i * Dimension), Dimension));
                }

                var heaps = new BatchHeaps(plan.ByRows ? plan.Workers : 0, hs, hsl, hc);
                new Span<int>(hc, heaps.Workers * nq).Clear();
                RunBatch(snapshot, new BatchWork(q, nq, k, s, sl, f, heaps), resolved, plan);
            }

            var keys = snapshot.Keys;
            for (var i = 0; i < nq; i++)
            {
                var n = found[i];
                counts[i] = n;
                for (var j = 0; j < n; j++)
                {
                    results[(i * k) + j] = new VectorSearchResult<TKey>(keys[slots[(i * k) + j]], scores[(i * k) + j]);
                }
            }
        }
        finally
        {
            mapping?.RemoveReader();
            ArrayPool<float>.Shared.Return(prepared);
            ArrayPool<float>.Shared.Return(scores);
            ArrayPool<int>.Shared.Return(slots);
            ArrayPool<int>.Shared.Return(found);
            ArrayPool<float>.Shared.Return(heapScores);
            ArrayPool<int>.Shared.Return(heapSlots);
            ArrayPool<int>.Shared.Return(heapCounts);
        }
    }

    /// <summary>Searches one prepared query; writes the best results sorted into <paramref name="scores"/>/<paramref name="slots"/> (k = their length) and returns how many.</summary>
    private protected abstract int SearchCore(IndexSnapshot<TKey> snapshot, float* query, ref ResolvedFilter filter, Span<float> scores, Span<int> slots);

    /// <summary>
    /// How a batch of <paramref name="queryCount"/> queries is divided among <paramref name="parallelism"/> threads. The
    /// default splits the queries into several parts per thread, so a worker that starts late still shares the work.
    /// </summary>
    private protected virtual BatchPlan PlanBatch(IndexSnapshot<TKey> snapshot, int queryCount, int k, int parallelism)
    {
        var parts = Math.Min(queryCount, parallelism * 4);
        return new BatchPlan(parts, Math.Min(parallelism, parts), ByRows: false);
    }

    /// <summary>
    /// Searches part <paramref name="part"/> of a batch planned by <see cref="PlanBatch"/>; <paramref name="worker"/>
    /// (0 ≤ worker &lt; the plan's workers) names the heaps a batch split by rows writes to. The default runs
    /// <see cref="SearchCore"/> per query of the part.
    /// </summary>
    internal virtual void SearchBatchPart(IndexSnapshot<TKey> snapshot, BatchWork work, ref ResolvedFilter filter, int part, int parts, int worker)
    {
        var chunk = (work.QueryCount + parts - 1) / parts;
        var from = part * chunk;
        var to = Math.Min(work.QueryCount, from + chunk);
        var k = work.K;
        for (var i = from; i < to; i++)
        {
            var scores = new Span<float>(work.Scores + ((long)i * k), k);
            var slots = new Span<int>(work.Slots + ((long)i * k), k);
            work.Counts[i] = SearchCore(snapshot, work.Queries + ((long)i * Dimension), ref filter, scores, slots);
        }
    }

    /// <summary>
    /// Runs the parts of a planned batch on the calling thread and, when the plan has more than one worker, on
    /// thread-pool workers (see <see cref="BatchRunner{TKey}"/>); merges the workers' heaps of a batch split by rows.
    /// </summary>
    private void RunBatch(IndexSnapshot<TKey> snapshot, BatchWork work, ResolvedFilter filter, BatchPlan plan)
    {
        if (plan.Workers <= 1 || plan.Parts <= 1)
        {
            for (var part = 0; part < plan.Parts; part++)
            {
                SearchBatchPart(snapshot, work, ref filter, part, plan.Parts, worker: 0);
            }
        }
        else
        {
            var runner = Interlocked.Exchange(ref _batchRunner, null) ?? new BatchRunner<TKey>(this);
            try
            {
                runner.Run(snapshot, work, filter, plan.Parts, plan.Workers);
            }
            finally
            {
                if (Interlocked.CompareExchange(ref _batchRunner, runner, null) is not null)
                {
                    runner.Dispose();
                }
            }
        }

        if (work.WorkerHeaps.Workers > 0)
        {
            work.MergeWorkerHeaps();
        }
    }

    /// <summary>Checks the arguments of <see cref="SearchBatch"/> and returns the number of queries.</summary>
    private int ValidateBatch(ReadOnlySpan<float> queries, int k, Span<VectorSearchResult<TKey>> results, Span<int> counts, int maxDegreeOfParallelism)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegreeOfParallelism, 1);
        if (queries.Length % Dimension != 0)
        {
            throw new ArgumentException($"The queries hold {queries.Length} floats, which is not a multiple of the index dimension {Dimension}.", nameof(queries));
        }

        var nq = queries.Length / Dimension;
        if (results.Length < (long)nq * k)
        {
            throw new ArgumentException($"The results span holds {results.Length} entries; {nq} queries × k = {k} need {(long)nq * k}.", nameof(results));
        }

        if (counts.Length < nq)
        {
            throw new ArgumentException($"The counts span holds {counts.Length} entries; {nq} queries need one each.", nameof(counts));
        }

        ThrowIfDisposed();
        for (var i = 0; i < nq; i++)
        {
            ValidateFinite(queries.Slice(i * Dimension, Dimension), nameof(queries));
        }

        return nq;
    }

    private void PrepareQuery(ReadOnlySpan<float> query, Span<float> prepared)
    {
        if (Metric == VectorMetric.Cosine)
        {
            var norm = TensorPrimitives.Norm(query);
            if (!(norm > 0) || !float.IsFinite(norm))
            {
                throw new ArgumentException($"The query has norm {norm}; cosine similarity needs a non-zero, finite query.", nameof(query));
            }

            TensorPrimitives.Divide(query, norm, prepared);
        }
        else
        {
            query.CopyTo(prepared);
        }
    }

    private static void ReturnRented(float[]? query, float[]? scores, int[]? slots)
    {
        if (query is not null)
        {
            ArrayPool<float>.Shared.Return(query);
        }

        if (scores is not null)
        {
            ArrayPool<float>.Shared.Return(scores);
        }

        if (slots is not null)
        {
            ArrayPool<int>.Shared.Return(slots);
        }
    }
}
