using System.Numerics.Tensors;
using LlmStrategies.Evaluation;
using LlmStrategies.Evaluation.Analysis;
using LlmStrategies.Experiments;

namespace LlmStrategies.Tests.Evaluation.Analysis;

public class FailureClustererTests
{
    private static readonly string[] Volcano = ["volcano", "lava", "eruption", "magma", "crater"];
    private static readonly string[] Violin = ["violin", "orchestra", "symphony", "concerto", "bow"];
    private static readonly string[] Garden = ["garden", "tulip", "compost", "hedge", "soil"];

    [Test]
    public async Task RecoversTheTwoTopicsOfTheFailures()
    {
        var (dataset, run) = Topics();
        var generator = new HashingEmbeddingGenerator(64);
        var report = await DataWork.AnalyzeAsync(dataset, null, run, embeddings: generator);
        var clusters = report.Failures.Clusters;
        var overall = report.Failures.Overall.Mean;
        Assert.Multiple(() =>
        {
            Assert.That(report.Findings.Where(f => f.Kind == "failure-cluster").Select(f => f.PotentialGain).Order(), Is.EqualTo(clusters.Clusters.Where(c => c.RegionMean < overall).Select(c => Math.Round((overall - c.RegionMean) * c.RegionItems / 30, 6)).Order()).Within(1e-9), "a cluster's gain: its region brought to the overall mean");
            Assert.That(clusters.Available, Is.True);
            Assert.That(clusters.Failures, Is.EqualTo(16));
            Assert.That(clusters.Silhouettes.Keys, Is.EqualTo(new[] { "2", "3" }), "k from 2 to min(8, 16 / 5)");
            Assert.That(clusters.K, Is.EqualTo(2));
            Assert.That(clusters.Clusters[0].Items, Is.EqualTo(Enumerable.Range(0, 8).Select(i => $"a{i}")));
            Assert.That(clusters.Clusters[1].Items, Is.EqualTo(Enumerable.Range(0, 8).Select(i => $"b{i}")));
            Assert.That(clusters.Clusters.Sum(c => c.RegionItems), Is.EqualTo(30), "every scored item belongs to one region");
            Assert.That(clusters.Clusters[0].TopTerms, Is.EqualTo(new[] { "crater", "eruption", "lava" }), "all five topic words have the same lift; ties by word");
        });
    }

    [Test]
    public async Task RepresentativesAreTheFailuresClosestToTheCentroid()
    {
        var (dataset, run) = Topics();
        var generator = new HashingEmbeddingGenerator(64);
        var cluster = (await DataWork.AnalyzeAsync(dataset, null, run, embeddings: generator)).Failures.Clusters.Clusters[0];

        // Independently: the centroid of the converged cluster is the normalised mean of its unit vectors.
        var vectors = (await generator.GenerateAsync(cluster.Items.Select(id => dataset.TryGetItem(id, out var i) ? i.Input : throw new AssertionException(id)))).Select(e => Unit(e.Vector.ToArray())).ToArray();
        var centroid = new float[64];
        foreach (var v in vectors)
        {
            TensorPrimitives.Add(centroid, v, centroid);
        }

        centroid = Unit(centroid);
        var expected = cluster.Items.Select((id, k) => (id, Score: TensorPrimitives.Dot(vectors[k], centroid))).OrderByDescending(p => p.Score).ThenBy(p => p.id, StringComparer.Ordinal).Take(3).Select(p => p.id);
        Assert.That(cluster.Representatives, Is.EqualTo(expected));
    }

    [Test]
    public async Task AClusterFinding_ListsItsRepresentativesFirst()
    {
        var (dataset, run) = Topics();
        var report = await DataWork.AnalyzeAsync(dataset, null, run, embeddings: new HashingEmbeddingGenerator(64));
        var overall = report.Failures.Overall.Mean;
        var below = report.Failures.Clusters.Clusters.Where(c => c.RegionMean < overall).ToArray();
        Assert.That(below, Is.Not.Empty, "the topics' regions are below the overall mean");
        foreach (var cluster in below)
        {
            var finding = report.Findings.Single(f => f.Kind == "failure-cluster" && f.Title.StartsWith($"Failure cluster {cluster.Id}", StringComparison.Ordinal));
            // Then the other failures (all score 0) by id.
            Assert.That(finding.Items, Is.EqualTo(cluster.Representatives.Concat(cluster.Items.Except(cluster.Representatives).Order(StringComparer.Ordinal))));
        }
    }

    [Test]
    public async Task TheSameSeedGivesTheSameClusters()
    {
        var (dataset, run) = Topics();
        var first = await DataWork.AnalyzeAsync(dataset, null, run, embeddings: new HashingEmbeddingGenerator(64));
        var second = await DataWork.AnalyzeAsync(dataset, null, run, embeddings: new HashingEmbeddingGenerator(64));
        Assert.That(second.Failures.ToJson(), Is.EqualTo(first.Failures.ToJson()));
    }

    [Test]
    public async Task TooFewFailuresAreNotClustered()
    {
        var (dataset, run) = Topics();
        var clusters = (await DataWork.AnalyzeAsync(dataset, null, run, new DataWorkOptions { MinClusterSize = 9 }, new HashingEmbeddingGenerator(64))).Failures.Clusters;
        Assert.Multiple(() =>
        {
            Assert.That(clusters.Available, Is.False);
            Assert.That(clusters.Method, Does.Contain("too few"));
        });
    }

    [Test]
    public void SphericalKMeansSeparatesWellSeparatedGroups()
    {
        // Three tight groups around three axes of an 8-d space, 10 points each, in mixed order.
        var random = new Random(3);
        var points = new float[30 * 8];
        var truth = new int[30];
        for (var i = 0; i < 30; i++)
        {
            truth[i] = (i * 7) % 3;
            for (var d = 0; d < 8; d++)
            {
                points[(i * 8) + d] = (d == truth[i] ? 1f : 0f) + (float)((random.NextDouble() - 0.5) * 0.1);
            }

            var row = points.AsSpan(i * 8, 8);
            TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
        }

        var fit = SphericalKMeans.Fit(points, 30, 8, 3, seed: 1);
        var mapping = Enumerable.Range(0, 30).GroupBy(i => truth[i]).ToDictionary(g => g.Key, g => g.Select(i => fit.Assignment[i]).Distinct().ToArray());
        Assert.Multiple(() =>
        {
            Assert.That(mapping.Values, Has.All.Length.EqualTo(1), "each true group lands in one cluster");
            Assert.That(mapping.Values.Select(v => v[0]).Distinct().Count(), Is.EqualTo(3), "and each in a different one");
            Assert.That(FailureClusterer.SimplifiedSilhouette(fit, points, 30), Is.GreaterThan(0.8));
        });
    }

    private static float[] Unit(float[] v)
    {
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }

    /// <summary>30 items: volcano (a0–a9) and violin (b0–b9) questions fail except the last two of each; garden (c0–c9) all succeed.</summary>
    private static (EvaluationDataset, ExperimentRun) Topics()
    {
        EvaluationItem Make(string prefix, string[] words, int i) => AnalysisFixtures.Item($"{prefix}{i}", $"{string.Join(' ', words)} unique{prefix}{i}", "x");
        var items = Enumerable.Range(0, 10).Select(i => Make("a", Volcano, i))
            .Concat(Enumerable.Range(0, 10).Select(i => Make("b", Violin, i)))
            .Concat(Enumerable.Range(0, 10).Select(i => Make("c", Garden, i)))
            .ToArray();
        var dataset = new EvaluationDataset("topics", items);
        var records = items.Select(it => AnalysisFixtures.Record("s", it, "x", [], it.Id[0] != 'c' && it.Id[1] < '8' ? 0 : 1));
        return (dataset, AnalysisFixtures.Run(dataset, ["s"], records));
    }
}
