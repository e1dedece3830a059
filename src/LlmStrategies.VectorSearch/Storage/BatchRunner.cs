using System.Runtime.ExceptionServices;
using LlmStrategies.VectorSearch.Filtering;

namespace LlmStrategies.VectorSearch.Storage;

/// <summary>
/// Runs the parts of one batch search on the calling thread plus thread-pool workers without allocating: the runner
/// is reused (queued to the pool as an <see cref="IThreadPoolWorkItem"/>), parts are claimed from a shared counter so a
/// worker that starts late simply finds less to do, and the caller waits until every queued worker has left.
/// </summary>
internal sealed class BatchRunner<TKey> : IThreadPoolWorkItem, IDisposable
    where TKey : notnull
{
    private readonly VectorIndex<TKey> _owner;
    private readonly ManualResetEventSlim _workersDone = new(false);
    private IndexSnapshot<TKey>? _snapshot;
    private BatchWork _work;
    private ResolvedFilter _filter;
    private int _parts;
    private int _nextPart;
    private int _pendingWorkers;
    private int _nextWorker;
    private ExceptionDispatchInfo? _failure;

    public BatchRunner(VectorIndex<TKey> owner) => _owner = owner;

    public void Run(IndexSnapshot<TKey> snapshot, BatchWork work, ResolvedFilter filter, int parts, int parallelism)
    {
        _snapshot = snapshot;
        _work = work;
        _filter = filter;
        _parts = parts;
        _nextPart = 0;
        _nextWorker = 0;
        _failure = null;
        var workers = Math.Min(parallelism, parts) - 1;
        _pendingWorkers = workers;
        _workersDone.Reset();
        for (var i = 0; i < workers; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        RunParts();
        if (workers > 0)
        {
            _workersDone.Wait();
        }

        _snapshot = null;
        _failure?.Throw();
    }

    public void Execute()
    {
        RunParts();
        if (Interlocked.Decrement(ref _pendingWorkers) == 0)
        {
            _workersDone.Set();
        }
    }

    public void Dispose() => _workersDone.Dispose();

    private void RunParts()
    {
        try
        {
            // Each thread that joins gets its own worker number: a batch split by rows writes that worker's private heaps.
            var worker = Interlocked.Increment(ref _nextWorker) - 1;
            var filter = _filter;
            int part;
            while ((part = Interlocked.Increment(ref _nextPart) - 1) < _parts)
            {
                _owner.SearchBatchPart(_snapshot!, _work, ref filter, part, _parts, worker);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(ex), null);
            Volatile.Write(ref _nextPart, _parts);
        }
    }
}
