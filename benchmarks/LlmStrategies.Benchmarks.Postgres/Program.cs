using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using LlmStrategies;
using LlmStrategies.Benchmarks.Postgres;
using LlmStrategies.Embeddings.Local;
using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Statistics;
using LlmStrategies.Postgres;
using LlmStrategies.Postgres.Retrieval;
using LlmStrategies.Retrieval.Hybrid;
using LlmStrategies.Retrieval.Keyword;
using LlmStrategies.Retrieval.Vector;
using Npgsql;

// PostgreSQL + pgvector against the in-process indexes on SQuAD part A, side by side in one run:
//   quality: nDCG@10, recall@100, MRR@10 on all 5,397 questions (95% bootstrap intervals, paired differences);
//   ingest:  chunks/s with embeddings precomputed (1,023 paragraphs, and 20 copies = 20,460 chunks);
//   queries: latency p50/p95 and QPS (1 client, and 4 concurrent clients) on a seeded sample of questions.
// Usage: LLMSTRATEGIES_POSTGRES=<superuser connection string> dotnet run -c Release --project
//        benchmarks/LlmStrategies.Benchmarks.Postgres -- [--runs 5] [--sample 1000]
var runs = Argument("--runs", 5);
var sampleSize = Argument("--sample", 1_000);
const int Seed = 1;
const int Copies = 20;
var admin = Environment.GetEnvironmentVariable("LLMSTRATEGIES_POSTGRES")
    ?? throw new InvalidOperationException("Set LLMSTRATEGIES_POSTGRES to a superuser connection string (tools/postgres.sh start prints one).");

var corpus = SquadCorpus.Load(SquadCorpus.FindShared(SquadCorpus.RelativePath));
var modelDirectory = Environment.GetEnvironmentVariable(LocalEmbeddingOptions.ModelDirectoryEnvironmentVariable) is { Length: > 0 } configured ? configured : Path.Combine(SquadCorpus.RepositoryRoot(), ".models", "use-lite");
using var model = new LocalEmbeddingGenerator(new LocalEmbeddingOptions { ModelDirectory = modelDirectory });
var embeddingWatch = Stopwatch.StartNew();
var embeddings = await PrecomputedEmbeddings.LoadOrComputeAsync(
    model,
    [.. corpus.Paragraphs.Select(p => p.Text), .. corpus.Questions.Select(q => q.Question)],
    Path.Combine(Path.GetTempPath(), "llmstrategies-postgres-bench-use-lite.bin"),
    "use-lite-512");
Console.Error.WriteLine($"embeddings ready in {embeddingWatch.Elapsed.TotalSeconds:F1} s");
var embedded = corpus.Paragraphs.Select(p => new EmbeddedChunk(p, embeddings.GenerateAsync([p.Text]).Result[0].Vector)).ToArray();

var databaseName = string.Create(CultureInfo.InvariantCulture, $"llmstrategies_bench_{Environment.ProcessId}");
await ExecuteAsync(admin, $"CREATE DATABASE {databaseName}");
try
{
    var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = databaseName, MaxPoolSize = 20 }.ConnectionString;
    await using var database = new PostgresDatabase(new PostgresOptions { ConnectionString = connectionString, MigrateOnStart = true });
    await database.MigrateAsync();

    // In-process side.
    using var vectorIndex = new VectorRetriever(embeddings);
    await vectorIndex.AddAsync(corpus.Paragraphs);
    using var bm25Index = new Bm25Index(new Bm25Options { K1 = 0.9, B = 0.4 });
    bm25Index.AddRange(corpus.Paragraphs);
    var bm25 = new KeywordRetriever(bm25Index);
    var inProcessHybrid = new HybridRetriever([new(bm25), new(vectorIndex)]);

    // Database side: one collection for the queries, with an HNSW index (pgvector defaults m 16, ef_construction 64).
    var store = await PostgresChunkStore.CreateOrOpenAsync(database, "squad", 512);
    await store.UpsertAsync(embedded);
    await store.CreateHnswIndexAsync();
    await ExecuteAsync(connectionString, "ANALYZE");
    var pgExact = new PostgresRetriever(store, embeddings, new PostgresRetrieverOptions { Mode = PostgresSearchMode.Vector });
    var pgHnsw = new PostgresRetriever(store, embeddings, new PostgresRetrieverOptions { Mode = PostgresSearchMode.Vector, Approximate = true });
    var pgKeyword = new PostgresRetriever(store, null, new PostgresRetrieverOptions { Mode = PostgresSearchMode.Keyword });
    var pgHybrid = new PostgresRetriever(store, embeddings);

    var retrievers = new (string Name, IRetriever Retriever)[]
    {
        ("in-process vector (exact, SIMD flat)", vectorIndex),
        ("in-process BM25", bm25),
        ("in-process hybrid (BM25 + vector, z-score)", inProcessHybrid),
        ("PostgreSQL vector, exact", pgExact),
        ("PostgreSQL vector, HNSW (ef_search 100)", pgHnsw),
        ("PostgreSQL full-text (ts_rank_cd)", pgKeyword),
        ("PostgreSQL hybrid (exact vector + ts_rank_cd, z-score)", pgHybrid),
    };

    var report = new StringBuilder();
    await Header(report, connectionString);
    await Quality(report, retrievers, corpus);
    await Ingest(report, database, embedded, embeddings, corpus);
    await Latency(report, retrievers, corpus);
    Console.Write(report.ToString());
}
finally
{
    NpgsqlConnection.ClearAllPools();
    await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {databaseName} WITH (FORCE)");
}

async Task Header(StringBuilder report, string connectionString)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand("SELECT version(), (SELECT extversion FROM pg_extension WHERE extname = 'vector'), current_setting('shared_buffers'), current_setting('work_mem')", connection);
    await using var reader = await command.ExecuteReaderAsync();
    await reader.ReadAsync();
    var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
    var cache = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("cache size", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
    report.AppendLine(CultureInfo.InvariantCulture, $"- Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
    report.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {cpu}, {Environment.ProcessorCount} cores, cache {cache}, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
    report.AppendLine(CultureInfo.InvariantCulture, $"- Server: {reader.GetString(0).Split(" on ")[0]}, pgvector {reader.GetString(1)}, shared_buffers {reader.GetString(2)}, work_mem {reader.GetString(3)}, on 127.0.0.1 of the SAME machine: the server's processes share the 2 cores with the benchmark (and with the client's work), so database figures include its CPU time.");
    report.AppendLine(CultureInfo.InvariantCulture, $"- Data: SQuAD v1.1 dev part A: {corpus.Paragraphs.Length:N0} paragraphs, {corpus.Questions.Length:N0} questions, one relevant paragraph each. Embeddings: LlmStrategies.Embeddings.Local (USE-Lite, 512-d), computed once and served from memory to both sides, so no timing includes the model.");
    report.AppendLine(CultureInfo.InvariantCulture, $"- In-process BM25: k1 0.9, b 0.4 (as in benchmarks/results/retrieval). Fusion on both sides: z-score, equal weights, 50 candidates per list (HybridRetrieverOptions defaults).");
    report.AppendLine();
}

async Task Quality(StringBuilder report, (string Name, IRetriever Retriever)[] retrievers, SquadCorpus data)
{
    var scores = new Dictionary<string, (double[] Ndcg, double[] Recall, double[] Mrr)>();
    foreach (var (name, retriever) in retrievers)
    {
        var ndcg = new double[data.Questions.Length];
        var recall = new double[data.Questions.Length];
        var mrr = new double[data.Questions.Length];
        for (var i = 0; i < data.Questions.Length; i++)
        {
            var (question, paragraph) = data.Questions[i];
            var ranked = (await retriever.RetrieveAsync(new RetrievalRequest(question, 100))).Select(c => c.ChunkId).ToList();
            var relevant = new HashSet<string>(StringComparer.Ordinal) { paragraph };
            ndcg[i] = RetrievalMetrics.NdcgAt(ranked, relevant, 10);
            recall[i] = RetrievalMetrics.RecallAt(ranked, relevant, 100);
            mrr[i] = RetrievalMetrics.ReciprocalRank(ranked, relevant, 10);
        }

        scores[name] = (ndcg, recall, mrr);
        Console.Error.WriteLine($"quality: {name} nDCG@10 {ndcg.Average():F4}");
    }

    report.AppendLine(CultureInfo.InvariantCulture, $"## Retrieval quality (all {data.Questions.Length:N0} questions; 95% percentile bootstrap, 10,000 resamples, seed {Seed})");
    report.AppendLine();
    report.AppendLine("| retriever | nDCG@10 | recall@100 | MRR@10 |");
    report.AppendLine("|---|---|---|---|");
    foreach (var (name, _) in retrievers)
    {
        var (ndcg, recall, mrr) = scores[name];
        report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Bootstrap.Mean(ndcg, Seed).ToString("F4")} | {Bootstrap.Mean(recall, Seed).ToString("F4")} | {Bootstrap.Mean(mrr, Seed).ToString("F4")} |");
    }

    report.AppendLine();
    report.AppendLine("Paired differences, 95% bootstrap interval (an interval excluding 0 is a significant difference):");
    report.AppendLine();
    report.AppendLine("| comparison | Δ nDCG@10 | Δ recall@100 |");
    report.AppendLine("|---|---|---|");
    foreach (var (a, b) in new[] { (3, 0), (4, 3), (5, 1), (6, 2), (6, 3) })
    {
        var (left, right) = (retrievers[a].Name, retrievers[b].Name);
        report.AppendLine(CultureInfo.InvariantCulture, $"| {left} − {right} | {Bootstrap.PairedDifference(scores[left].Ndcg, scores[right].Ndcg, Seed).ToString("F4")} | {Bootstrap.PairedDifference(scores[left].Recall, scores[right].Recall, Seed).ToString("F4")} |");
    }

    var gap = Math.Abs(scores[retrievers[3].Name].Ndcg.Average() - scores[retrievers[0].Name].Ndcg.Average());
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"Goal \"exact vector search equals the in-process retriever within 0.01 nDCG@10\": |Δ| = {gap:F4} → {(gap <= 0.01 ? "met" : "NOT met")}.");
    report.AppendLine();
}

async Task Ingest(StringBuilder report, PostgresDatabase database, EmbeddedChunk[] paragraphs, PrecomputedEmbeddings vectors, SquadCorpus data)
{
    var copies = Enumerable.Range(0, Copies).SelectMany(c => paragraphs.Select(p => new EmbeddedChunk(
        new TextChunk { Id = string.Create(CultureInfo.InvariantCulture, $"{c}-{p.Chunk.Id}"), SourceId = p.Chunk.SourceId, Text = p.Chunk.Text, StartOffset = p.Chunk.StartOffset, Length = p.Chunk.Length, Metadata = p.Chunk.Metadata },
        p.Embedding))).ToArray();
    var rows = new List<(string Name, int Count, Func<Task<double>> Measure)>
    {
        ("PostgreSQL COPY upsert (new collection)", paragraphs.Length, () => PostgresIngestAsync(database, paragraphs, hnsw: false)),
        ("PostgreSQL COPY upsert (new collection)", copies.Length, () => PostgresIngestAsync(database, copies, hnsw: false)),
        ("PostgreSQL COPY upsert, same chunks again (no change)", copies.Length, () => PostgresReingestAsync(database, copies)),
        ("PostgreSQL COPY upsert, then HNSW index build", copies.Length, () => PostgresIngestAsync(database, copies, hnsw: true)),
        ("in-process vector (flat) + BM25", paragraphs.Length, () => InProcessIngestAsync(paragraphs, vectors)),
        ("in-process vector (flat) + BM25", copies.Length, () => InProcessIngestAsync(copies, vectors)),
    };

    report.AppendLine(CultureInfo.InvariantCulture, $"## Ingest, embeddings precomputed (median of {runs} runs)");
    report.AppendLine();
    report.AppendLine("| what | chunks | seconds | chunks/s |");
    report.AppendLine("|---|---|---|---|");
    foreach (var (name, count, measure) in rows)
    {
        var seconds = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            seconds.Add(await measure());
        }

        var median = Median(seconds);
        report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {count:N0} | {median:F3} | {count / median:N0} |");
        Console.Error.WriteLine($"ingest: {name} {count} {median:F3} s");
    }

    report.AppendLine();
}

async Task<double> PostgresIngestAsync(PostgresDatabase database, EmbeddedChunk[] chunks, bool hnsw)
{
    var store = await PostgresChunkStore.CreateOrOpenAsync(database, "ingest", 512);
    await store.DropAsync();
    store = await PostgresChunkStore.CreateOrOpenAsync(database, "ingest", 512);
    var watch = Stopwatch.StartNew();
    await store.UpsertAsync(chunks);
    if (hnsw)
    {
        await store.CreateHnswIndexAsync();
    }

    return watch.Elapsed.TotalSeconds;
}

async Task<double> PostgresReingestAsync(PostgresDatabase database, EmbeddedChunk[] chunks)
{
    var store = await PostgresChunkStore.CreateOrOpenAsync(database, "reingest", 512);
    if (await store.CountAsync() != chunks.Length)
    {
        await store.UpsertAsync(chunks);
    }

    var watch = Stopwatch.StartNew();
    await store.UpsertAsync(chunks);
    return watch.Elapsed.TotalSeconds;
}

async Task<double> InProcessIngestAsync(EmbeddedChunk[] chunks, PrecomputedEmbeddings vectors)
{
    var watch = Stopwatch.StartNew();
    using var vector = new VectorRetriever(vectors);
    await vector.AddAsync(chunks.Select(c => c.Chunk));
    using var bm25 = new Bm25Index(new Bm25Options { K1 = 0.9, B = 0.4 });
    bm25.AddRange(chunks.Select(c => c.Chunk));
    return watch.Elapsed.TotalSeconds;
}

async Task Latency(StringBuilder report, (string Name, IRetriever Retriever)[] retrievers, SquadCorpus data)
{
    var sample = data.Questions.Select(q => q.Question).OrderBy(_ => 0).ToArray();
    new Random(Seed).Shuffle(sample);
    sample = sample.Take(sampleSize).ToArray();
    var results = retrievers.ToDictionary(r => r.Name, _ => (P50: new List<double>(), P95: new List<double>(), Qps: new List<double>(), Qps4: new List<double>()));
    for (var run = 0; run < runs; run++)
    {
        foreach (var (name, retriever) in retrievers)
        {
            foreach (var question in sample.Take(100))
            {
                await retriever.RetrieveAsync(new RetrievalRequest(question, 10));
            }

            var latencies = new double[sample.Length];
            var total = Stopwatch.StartNew();
            for (var i = 0; i < sample.Length; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await retriever.RetrieveAsync(new RetrievalRequest(sample[i], 10));
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            var sequential = sample.Length / total.Elapsed.TotalSeconds;
            var concurrent = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, 4).Select(client => Task.Run(async () =>
            {
                for (var i = client; i < sample.Length; i += 4)
                {
                    await retriever.RetrieveAsync(new RetrievalRequest(sample[i], 10));
                }
            })));
            var parallel = sample.Length / concurrent.Elapsed.TotalSeconds;
            Array.Sort(latencies);
            var entry = results[name];
            entry.P50.Add(Quantile(latencies, 0.50));
            entry.P95.Add(Quantile(latencies, 0.95));
            entry.Qps.Add(sequential);
            entry.Qps4.Add(parallel);
            Console.Error.WriteLine($"run {run}: {name} p50 {Quantile(latencies, 0.5):F3} ms, QPS {sequential:F0}, 4 clients {parallel:F0}");
        }
    }

    report.AppendLine(CultureInfo.InvariantCulture, $"## Query latency and throughput (top 10; {sample.Length:N0} of {data.Questions.Length:N0} questions, sampled by a shuffle with seed {Seed}; 100 warm-up queries; median of {runs} runs)");
    report.AppendLine();
    report.AppendLine("| retriever | p50 ms | p95 ms | QPS, 1 client | QPS, 4 concurrent clients |");
    report.AppendLine("|---|---|---|---|---|");
    foreach (var (name, _) in retrievers)
    {
        var (p50, p95, qps, qps4) = results[name];
        report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Median(p50):F3} | {Median(p95):F3} | {Median(qps):N0} | {Median(qps4):N0} |");
    }

    report.AppendLine();
    report.AppendLine("Latency is measured in the client around RetrieveAsync (query embedding excluded: precomputed); for PostgreSQL it includes the loopback round trip and the server's work.");
}

static double Quantile(double[] sorted, double q)
{
    var position = q * (sorted.Length - 1);
    var lower = (int)Math.Floor(position);
    var upper = Math.Min(lower + 1, sorted.Length - 1);
    return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static async Task ExecuteAsync(string connectionString, string sql)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync();
}

int Argument(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
