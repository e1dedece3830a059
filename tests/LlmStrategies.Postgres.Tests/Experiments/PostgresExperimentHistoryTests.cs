using System.Globalization;
using LlmStrategies.Experiments;
using LlmStrategies.Postgres.Experiments;
using Microsoft.Extensions.Time.Testing;

namespace LlmStrategies.Postgres.Tests.Experiments;

public class PostgresExperimentHistoryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task SavedRuns_ComeBackWhole_WithTheirRecords()
    {
        await using var database = await PostgresServer.MigratedAsync();
        var history = new PostgresExperimentHistory(database);
        var report = Report("nightly", Start, ("rag", 0.8, "fp-rag-1"), ("baseline", 0.5, "fp-base"));
        var records = Enumerable.Range(0, 3).Select(i => new RunRecord
        {
            StrategyName = "rag",
            Fingerprint = "fp-rag-1",
            ItemId = "item-" + i.ToString(CultureInfo.InvariantCulture),
            Response = new RecordedResponse { Outcome = StrategyOutcome.Answered, Answer = "answer " + i, InputTokens = 10 + i, LatencyMs = 1.5 },
            Metrics = [new MetricValue { Name = "exact", Value = i % 2, IsBinary = true }],
        }).ToArray();

        var runId = await history.SaveRunAsync(report, records);
        var loaded = await history.GetReportAsync(runId);
        var loadedRecords = await history.GetRecordsAsync(runId);

        Assert.Multiple(async () =>
        {
            Assert.That(loaded!.ToJson(), Is.EqualTo(report.ToJson()));
            Assert.That(loadedRecords.Select(r => (r.ItemId, r.Response!.Answer, r.Response.InputTokens, r.Metrics[0].Value)), Is.EqualTo(records.Select(r => (r.ItemId, r.Response!.Answer, r.Response.InputTokens, r.Metrics[0].Value))));
            Assert.That(await history.GetReportAsync(runId + 1000), Is.Null);
        });
    }

    [Test]
    public async Task StrategyHistory_ListsEveryRunOfAStrategyOnADataset_OverTime()
    {
        await using var database = await PostgresServer.MigratedAsync();
        var history = new PostgresExperimentHistory(database);
        var first = await history.SaveRunAsync(Report("monday", Start, ("rag", 0.70, "fp-1")));
        await history.SaveRunAsync(Report("other dataset", Start.AddDays(1), ("rag", 0.10, "fp-1"), dataset: "beir"));
        var third = await history.SaveRunAsync(Report("wednesday", Start.AddDays(2), ("rag", 0.75, "fp-2"), ("hyde", 0.6, "fp-h")));
        var second = await history.SaveRunAsync(Report("tuesday", Start.AddDays(1), ("rag", 0.72, "fp-1")));

        var runs = await history.GetStrategyHistoryAsync("rag", "squad");

        Assert.Multiple(() =>
        {
            Assert.That(runs.Select(r => r.RunId), Is.EqualTo(new[] { first, second, third }), "ordered by completion time, other datasets left out");
            Assert.That(runs.Select(r => r.Fingerprint), Is.EqualTo(new[] { "fp-1", "fp-1", "fp-2" }));
            Assert.That(runs.Select(r => r.Metrics.Single(m => m.Name == "exact").Mean), Is.EqualTo(new[] { 0.70, 0.72, 0.75 }).Within(1e-12));
        });
    }

    [Test]
    public async Task TheGate_TakesItsBaselineFromTheLatestAcceptedRun()
    {
        await using var database = await PostgresServer.MigratedAsync();
        var time = new FakeTimeProvider(Start);
        var history = new PostgresExperimentHistory(database, time);
        var old = await history.SaveRunAsync(Report("old", Start, ("rag", 0.50, "fp-0")));
        var accepted = await history.SaveRunAsync(Report("accepted", Start.AddDays(1), ("rag", 0.90, "fp-1")));
        await history.SaveRunAsync(Report("unreviewed", Start.AddDays(2), ("rag", 0.20, "fp-2")));
        await history.AcceptAsync(old);
        await history.AcceptAsync(accepted);

        var baseline = await history.GetLatestAcceptedAsync("rag", "squad");
        var worse = await history.EvaluateGateAsync(Report("candidate", Start.AddDays(3), ("rag", 0.40, "fp-3"), ("new", 0.5, "fp-n")));
        var asGood = await history.EvaluateGateAsync(Report("candidate", Start.AddDays(3), ("rag", 0.90, "fp-3")));

        Assert.Multiple(() =>
        {
            Assert.That(baseline!.Value.RunId, Is.EqualTo(accepted), "the latest accepted run, not a later unaccepted one");
            Assert.That(worse.Passed, Is.False);
            Assert.That(worse.Findings.Single(f => f.Strategy == "rag").Message, Does.Contain($"baseline: run {accepted}"));
            Assert.That(worse.Findings.Single(f => f.Strategy == "new"), Has.Property("Failed").False.And.Property("Message").Contains("no accepted run"));
            Assert.That(asGood.Passed, Is.True);
        });
        Assert.That(() => history.AcceptAsync(123_456), Throws.ArgumentException.With.Message.Contains("no run 123456"));
    }

    [Test]
    public async Task TunedConfigurations_AreStoredAndTheLatestIsRead()
    {
        await using var database = await PostgresServer.MigratedAsync();
        var time = new FakeTimeProvider(Start);
        var history = new PostgresExperimentHistory(database, time);

        await history.SaveTunedConfigurationAsync(new TunedConfiguration("hybrid", "squad", "fp-a", """{"method": "ZScore", "vectorWeight": 1.0}""", 0.86));
        time.Advance(TimeSpan.FromHours(1));
        var saved = await history.SaveTunedConfigurationAsync(new TunedConfiguration("hybrid", "squad", "fp-b", """{"method": "ZScore", "vectorWeight": 0.3}""", 0.87));
        var latest = await history.GetLatestTunedConfigurationAsync("hybrid", "squad");

        Assert.Multiple(async () =>
        {
            Assert.That(latest, Is.EqualTo(saved));
            Assert.That(latest!.Fingerprint, Is.EqualTo("fp-b"));
            Assert.That(latest.SettingsJson, Does.Contain("0.3"));
            Assert.That(await history.GetLatestTunedConfigurationAsync("hybrid", "beir"), Is.Null);
            Assert.That(() => history.SaveTunedConfigurationAsync(new TunedConfiguration("x", "d", "f", "[1, 2]")), Throws.ArgumentException.With.Message.Contains("JSON object"));
            Assert.That(() => history.SaveTunedConfigurationAsync(new TunedConfiguration("x", "d", "f", "{nope")), Throws.ArgumentException.With.Message.Contains("not valid JSON"));
        });
    }

    /// <summary>A report with 40 items per strategy whose binary "exact" scores have the given mean.</summary>
    private static ExperimentReport Report(string name, DateTimeOffset completed, params (string Strategy, double Mean, string Fingerprint)[] strategies) =>
        Report(name, completed, strategies, "squad");

    private static ExperimentReport Report(string name, DateTimeOffset completed, (string Strategy, double Mean, string Fingerprint) strategy, string dataset) =>
        Report(name, completed, [strategy], dataset);

    private static ExperimentReport Report(string name, DateTimeOffset completed, (string Strategy, double Mean, string Fingerprint)[] strategies, string dataset)
    {
        const int Items = 40;
        return new ExperimentReport
        {
            Name = name,
            CompletedAt = completed,
            Dataset = new DatasetSummary { Name = dataset, Fingerprint = "data-v1", Items = Items },
            Settings = new ReportSettings { PrimaryMetric = "exact", ConfidenceLevel = 0.95, Alpha = 0.05, Resamples = 1_000, Seed = 1 },
            Strategies = strategies.Select(s => new StrategyReport
            {
                Strategy = new StrategyInfo { Name = s.Strategy, Fingerprint = s.Fingerprint, Model = "model-a" },
                Runs = Items,
                Metrics = [new MetricSummary { Name = "exact", IsBinary = true, Mean = s.Mean, Lower = s.Mean, Upper = s.Mean, Count = Items }],
                Cost = new CostSummary(),
                Latency = new LatencySummary(),
            }).ToArray(),
            Items = strategies.SelectMany(s => Enumerable.Range(0, Items).Select(i => new ItemScores
            {
                Strategy = s.Strategy,
                Item = "item-" + i.ToString(CultureInfo.InvariantCulture),
                Scores = new Dictionary<string, double?> { ["exact"] = i < s.Mean * Items ? 1.0 : 0.0 },
            })).ToArray(),
        };
    }
}
