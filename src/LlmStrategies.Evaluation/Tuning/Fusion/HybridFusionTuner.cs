using System.Collections.Concurrent;
using System.Globalization;
using LlmStrategies.Evaluation;
using LlmStrategies.Retrieval.Hybrid;

namespace LlmStrategies.Tuning;

/// <summary>
/// Tunes a <see cref="HybridRetriever"/>'s fusion method and weights on labelled queries (the train split's relevance
/// judgements), with no model call: each query is retrieved once per retriever, then every method × weight combination
/// is fused from those lists by <see cref="HybridRetriever"/> itself and scored by nDCG@k. The choice is frozen in a
/// <see cref="HybridFusionTuning"/>, whose one look at held-out queries is <see cref="HybridFusionTuning.EvaluateOnTestAsync"/>.
/// </summary>
/// <remarks>
/// Queries without a positively judged document are skipped (they have no nDCG; trec_eval skips them too). Ties go to the
/// combination listed first (method order, then weights ascending). Relevance is judged on <see cref="RetrievedChunk.SourceId"/>
/// (the document a chunk was cut from), as the retrieval evaluator does.
/// </remarks>
public sealed class HybridFusionTuner
{
    /// <summary>Creates a tuner.</summary>
    /// <param name="search">The grid and report settings; default <see cref="HybridFusionSearch"/>.</param>
    public HybridFusionTuner(HybridFusionSearch? search = null)
    {
        Search = search ?? new HybridFusionSearch();
        Search.Validate();
    }

    /// <summary>Gets the grid and report settings.</summary>
    public HybridFusionSearch Search { get; }

    /// <summary>Chooses the fusion of <paramref name="hybrid"/>'s retrievers that ranks <paramref name="labelledQueries"/> best.</summary>
    /// <param name="hybrid">The hybrid retriever; its retrievers are queried, its own settings are the untuned default.</param>
    /// <param name="labelledQueries">Queries with relevance judgements (for example the train split); never the test split.</param>
    /// <param name="cancellationToken">Cancels the retrieval.</param>
    /// <returns>The frozen choice.</returns>
    /// <exception cref="ArgumentException">The hybrid has fewer than two retrievers, or no query has a relevant document.</exception>
    public async Task<HybridFusionTuning> TuneAsync(HybridRetriever hybrid, EvaluationDataset labelledQueries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hybrid);
        ArgumentNullException.ThrowIfNull(labelledQueries);
        if (hybrid.Retrievers.Count < 2)
        {
            throw new ArgumentException("Fusion needs at least two retrievers to weigh against each other.", nameof(hybrid));
        }

        var queries = JudgedQueries(labelledQueries);
        if (queries.Count == 0)
        {
            throw new ArgumentException($"No query of '{labelledQueries.Name}' has a relevant document (RelevantDocuments with a grade above 0); fusion is tuned on relevance judgements.", nameof(labelledQueries));
        }

        var lists = await FetchAsync(hybrid, queries, cancellationToken).ConfigureAwait(false);
        var candidates = Settings(hybrid).ToArray();
        var scored = new List<(FusionSetting Setting, double[] Scores)>(candidates.Length);
        foreach (var setting in candidates)
        {
            scored.Add((setting, await ScoreAsync(Replay(hybrid, lists, setting), queries, cancellationToken).ConfigureAwait(false)));
        }

        var best = scored.Select((s, i) => (s.Setting, s.Scores, Mean: s.Scores.Average(), i)).OrderByDescending(s => s.Mean).ThenBy(s => s.i).First();
        var untunedSetting = new FusionSetting(hybrid.Options.Method, hybrid.Options.RrfK, hybrid.Retrievers.Select(r => r.Weight).ToArray());
        var untuned = await ScoreAsync(Replay(hybrid, lists, untunedSetting), queries, cancellationToken).ConfigureAwait(false);
        var singles = hybrid.Retrievers.Select((r, i) => (r.Name, Scores: Single(lists[i], queries))).ToArray();
        var leaderboard = scored
            .Select((s, i) => (s, i))
            .OrderByDescending(x => x.s.Scores.Average())
            .ThenBy(x => x.i)
            .Select(x => new FusionCandidateScore(x.s.Setting.Method, x.s.Setting.RrfK, x.s.Setting.Weights, x.s.Scores.Average()))
            .ToArray();
        return new HybridFusionTuning(
            this,
            hybrid,
            labelledQueries,
            best.Setting,
            best.Scores,
            untunedSetting,
            untuned,
            singles,
            leaderboard,
            labelledQueries.Items.Count - queries.Count);
    }

    /// <summary>Retrieves and scores held-out queries with fixed settings: the tuned fusion, the untuned default and each retriever alone.</summary>
    internal async Task<(double?[] Tuned, double?[] Untuned, (string Name, double?[] Scores)[] Singles, int Skipped)> ScoreHeldOutAsync(HybridRetriever hybrid, EvaluationDataset test, FusionSetting tuned, FusionSetting untuned, CancellationToken cancellationToken)
    {
        var queries = JudgedQueries(test);
        if (queries.Count == 0)
        {
            throw new ArgumentException($"No query of '{test.Name}' has a relevant document; the hold-out evaluation needs relevance judgements.", nameof(test));
        }

        var lists = await FetchAsync(hybrid, queries, cancellationToken).ConfigureAwait(false);
        static double?[] Nullable(double[] values) => values.Select(v => (double?)v).ToArray();
        var tunedScores = await ScoreAsync(Replay(hybrid, lists, tuned), queries, cancellationToken).ConfigureAwait(false);
        var untunedScores = await ScoreAsync(Replay(hybrid, lists, untuned), queries, cancellationToken).ConfigureAwait(false);
        var singles = hybrid.Retrievers.Select((r, i) => (r.Name, Nullable(Single(lists[i], queries)))).ToArray();
        return (Nullable(tunedScores), Nullable(untunedScores), singles, test.Items.Count - queries.Count);
    }

    /// <summary>The depth the hybrid asks each retriever for when k results are requested.</summary>
    internal int Depth(HybridRetriever hybrid) => Math.Max(Search.K, hybrid.Options.CandidatesPerRetriever);

    /// <summary>Every combination: methods in order; for reciprocal rank each k; then weight vectors (first retriever 1, the others over the ratios, the last varying fastest).</summary>
    private IEnumerable<FusionSetting> Settings(HybridRetriever hybrid)
    {
        var others = hybrid.Retrievers.Count - 1;
        var ratios = Search.WeightRatios.OrderBy(w => w).ToArray();
        foreach (var method in Search.Methods)
        {
            var ks = method == FusionMethod.ReciprocalRank ? Search.RrfKs.ToArray() : [hybrid.Options.RrfK];
            foreach (var k in ks)
            {
                var combinations = (long)Math.Pow(ratios.Length, others);
                for (var c = 0L; c < combinations; c++)
                {
                    var weights = new double[others + 1];
                    weights[0] = 1;
                    var rest = c;
                    for (var r = others; r >= 1; r--)
                    {
                        weights[r] = ratios[rest % ratios.Length];
                        rest /= ratios.Length;
                    }

                    yield return new FusionSetting(method, k, weights);
                }
            }
        }
    }

    private static List<(EvaluationItem Item, Dictionary<string, double> Gains)> JudgedQueries(EvaluationDataset dataset) =>
        dataset.Items
            .Select(i => (Item: i, Gains: i.RelevantDocuments.Where(d => d.Value > 0).ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal)))
            .Where(q => q.Gains.Count > 0)
            .ToList();

    /// <summary>Each retriever's list for each distinct query, fetched once at the hybrid's depth.</summary>
    private async Task<Dictionary<string, IReadOnlyList<RetrievedChunk>>[]> FetchAsync(HybridRetriever hybrid, List<(EvaluationItem Item, Dictionary<string, double> Gains)> queries, CancellationToken cancellationToken)
    {
        var depth = Depth(hybrid);
        var texts = queries.Select(q => q.Item.Input).Distinct(StringComparer.Ordinal).ToArray();
        var lists = hybrid.Retrievers.Select(_ => new ConcurrentDictionary<string, IReadOnlyList<RetrievedChunk>>(StringComparer.Ordinal)).ToArray();
        await Parallel.ForEachAsync(texts, new ParallelOptions { MaxDegreeOfParallelism = Search.MaxDegreeOfParallelism, CancellationToken = cancellationToken }, async (text, token) =>
        {
            for (var r = 0; r < lists.Length; r++)
            {
                var list = await hybrid.Retrievers[r].Retriever.RetrieveAsync(new RetrievalRequest(text, depth), token).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Retriever '{hybrid.Retrievers[r].Name}' returned null for '{text}'; return an empty list when nothing matches.");
                lists[r][text] = list;
            }
        }).ConfigureAwait(false);
        return lists.Select(l => new Dictionary<string, IReadOnlyList<RetrievedChunk>>(l, StringComparer.Ordinal)).ToArray();
    }

    private HybridRetriever Replay(HybridRetriever hybrid, Dictionary<string, IReadOnlyList<RetrievedChunk>>[] lists, FusionSetting setting)
    {
        var depth = Depth(hybrid);
        var options = hybrid.Options;
        options.Method = setting.Method;
        options.RrfK = setting.RrfK;
        return new HybridRetriever(hybrid.Retrievers.Select((r, i) => new WeightedRetriever(new ReplayRetriever(lists[i], depth), setting.Weights[i], r.Name)), options);
    }

    private async Task<double[]> ScoreAsync(HybridRetriever fused, List<(EvaluationItem Item, Dictionary<string, double> Gains)> queries, CancellationToken cancellationToken)
    {
        var scores = new double[queries.Count];
        for (var q = 0; q < queries.Count; q++)
        {
            var results = await fused.RetrieveAsync(new RetrievalRequest(queries[q].Item.Input, Search.K), cancellationToken).ConfigureAwait(false);
            scores[q] = RetrievalMetrics.NdcgAt(results.Select(c => c.SourceId).ToArray(), queries[q].Gains, Search.K);
        }

        return scores;
    }

    private double[] Single(Dictionary<string, IReadOnlyList<RetrievedChunk>> lists, List<(EvaluationItem Item, Dictionary<string, double> Gains)> queries) =>
        queries.Select(q => RetrievalMetrics.NdcgAt(lists[q.Item.Input].Select(c => c.SourceId).ToArray(), q.Gains, Search.K)).ToArray();
}

/// <summary>One fusion setting: method, k of reciprocal rank fusion, and one weight per retriever.</summary>
internal sealed record FusionSetting(FusionMethod Method, int RrfK, IReadOnlyList<double> Weights)
{
    public IReadOnlyDictionary<string, string> Describe(HybridRetriever hybrid)
    {
        var point = new Dictionary<string, string>(StringComparer.Ordinal) { ["fusion.method"] = Method.ToString() };
        if (Method == FusionMethod.ReciprocalRank)
        {
            point["fusion.rrf-k"] = RrfK.ToString(CultureInfo.InvariantCulture);
        }

        for (var i = 0; i < Weights.Count; i++)
        {
            point["weight." + hybrid.Retrievers[i].Name] = Weights[i].ToString("R", CultureInfo.InvariantCulture);
        }

        return point;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Method}{(Method == FusionMethod.ReciprocalRank ? $" (k {RrfK})" : string.Empty)}, weights {string.Join(" : ", Weights.Select(w => w.ToString("R", CultureInfo.InvariantCulture)))}");
}

/// <summary>One fusion setting's score on the labelled queries.</summary>
/// <param name="Method">The fusion method.</param>
/// <param name="RrfK">k of reciprocal rank fusion (the hybrid's own for the score methods).</param>
/// <param name="Weights">One weight per retriever, the first 1.</param>
/// <param name="Mean">The mean nDCG@k.</param>
public sealed record FusionCandidateScore(FusionMethod Method, int RrfK, IReadOnlyList<double> Weights, double Mean);
