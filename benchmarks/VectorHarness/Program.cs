using System.Globalization;
using VectorHarness;

// Stopwatch harness over LlmStrategies.VectorSearch's public API, timed beside the C references (flat.c, hnswlib) by
// benchmarks/vector/run-comparison.sh. Every job prints one line per measurement, in the format of the references'
// lines, which benchmarks/vector/summarize.py reads: the median of REPS timed repetitions after one warm-up, with min
// and max, plus recall@10 and the bytes allocated per query (all threads, measured over the timed repetitions).
//
// usage: VectorHarness JOB DATA_DIR [options]
//   readsum                          one pass over a buffer as large as the rows (read bandwidth, as bw_read.c)
//   flat-single                      exact search, one query at a time, one thread
//   flat-batch   --threads T         exact batch search of every query, T threads (SearchBatch maxDegreeOfParallelism)
//   int8         --multiplier M      int8 + float32 re-scoring vs float32 flat, alternating in one process, one thread
//   hnsw         --threads T --m 16 --efc 200 --ef 10,20,40,80,160 [--save PATH | --load PATH]
//                                    build with T threads (or load), bytes per vector, then per ef: recall@10 and QPS of
//                                    one-thread search and of SearchBatch with T threads
// common options: --reps R (default 3)
var options = Options.Parse(args);
var data = BenchData.Load(options.Data);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dotnet data: N={data.Count} d={data.Dimension} Q={data.QueryCount} runtime {Environment.Version} processors {Environment.ProcessorCount}"));
switch (options.Job)
{
    case "readsum":
        FlatJobs.ReadSum(data, options);
        break;
    case "flat-single":
        FlatJobs.Single(data, options);
        break;
    case "flat-batch":
        FlatJobs.Batch(data, options);
        break;
    case "int8":
        FlatJobs.Int8(data, options);
        break;
    case "hnsw":
        HnswJobs.Run(data, options);
        break;
    default:
        Console.Error.WriteLine($"unknown job '{options.Job}': use readsum, flat-single, flat-batch, int8 or hnsw");
        return 2;
}

return 0;
