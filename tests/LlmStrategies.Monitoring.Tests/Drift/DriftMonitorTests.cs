using LlmStrategies.Monitoring.Drift;

namespace LlmStrategies.Tests.Monitoring.Drift;

public class DriftMonitorTests
{
    private static readonly string[] English =
    [
        "How long is the warranty on my router?", "What does the Aurora X3 cost?", "How do I reset the admin password?",
        "Can I return an opened product?", "When are firmware updates released?", "Is phone support open on weekends?",
        "How large an area does one node cover?", "Which encryption do the routers use?",
    ];

    private static readonly string[] German =
    [
        "Wie lange ist die Garantie für den Router?", "Was kostet der Aurora X3 und ist er schnell?", "Wie kann ich das Passwort zurücksetzen?",
        "Kann ich ein geöffnetes Produkt zurückgeben?", "Wann gibt es ein neues Update für die Firmware?", "Ist der Support am Wochenende erreichbar?",
    ];

    private static DriftObservation Observation(string input, bool refused = false, string? label = null, float[]? embedding = null) =>
        new() { Input = input, Refused = refused, OutputLabel = label, Embedding = embedding };

    private static DriftMonitor Monitor(out List<DriftReport> raised)
    {
        var monitor = new DriftMonitor(new DriftMonitorOptions { ReferenceSize = 200, WindowSize = 200, CompareEvery = 0, MinimumLiveCount = 50 });
        var reports = new List<DriftReport>();
        monitor.DriftDetected += (_, report) => reports.Add(report);
        raised = reports;
        return monitor;
    }

    [Test]
    public void SteadyTraffic_DoesNotDrift()
    {
        using var monitor = Monitor(out var raised);
        var random = new Random(1);
        for (var i = 0; i < 400; i++)
        {
            monitor.Observe(Observation(English[random.Next(English.Length)], refused: random.NextDouble() < 0.05));
        }

        var report = monitor.Compare();

        Assert.Multiple(() =>
        {
            Assert.That(report.ReferenceCount, Is.EqualTo(200));
            Assert.That(report.LiveCount, Is.EqualTo(200));
            Assert.That(report.Findings, Is.Not.Empty);
            Assert.That(report.Drifted, Is.False, string.Join("; ", report.Findings));
            Assert.That(raised, Is.Empty);
        });
    }

    [Test]
    public void ASwitchToGerman_DriftsTheLanguage_AndRaisesTheEvent()
    {
        using var monitor = Monitor(out var raised);
        var random = new Random(2);
        for (var i = 0; i < 200; i++)
        {
            monitor.Observe(Observation(English[random.Next(English.Length)]));
        }

        for (var i = 0; i < 200; i++)
        {
            monitor.Observe(Observation(German[random.Next(German.Length)]));
        }

        var report = monitor.Compare();

        Assert.Multiple(() =>
        {
            Assert.That(report.Findings.Single(f => f.Feature == "input_language").Drifted, Is.True);
            Assert.That(raised.Single(), Is.SameAs(report));
        });
    }

    [Test]
    public void LongerInputs_DriftTheLength_InBothStatistics()
    {
        using var monitor = Monitor(out _);
        var random = new Random(3);
        for (var i = 0; i < 200; i++)
        {
            monitor.Observe(Observation(English[random.Next(English.Length)]));
        }

        for (var i = 0; i < 200; i++)
        {
            monitor.Observe(Observation(string.Join(' ', Enumerable.Repeat(English[random.Next(English.Length)], 4))));
        }

        var report = monitor.Compare();

        Assert.Multiple(() =>
        {
            Assert.That(report.Findings.Single(f => f.Feature == "input_length" && f.Statistic == "psi").Drifted, Is.True);
            Assert.That(report.Findings.Single(f => f.Feature == "input_length" && f.Statistic == "ks_p_value").Drifted, Is.True);
        });
    }

    [Test]
    public void ARefusalSpike_AndALabelShift_Drift()
    {
        using var monitor = Monitor(out _);
        var random = new Random(4);
        for (var i = 0; i < 200; i++)
        {
            monitor.Observe(Observation(English[random.Next(English.Length)], refused: random.NextDouble() < 0.02, label: random.NextDouble() < 0.8 ? "billing" : "tech"));
        }

        for (var i = 0; i < 200; i++)
        {
            monitor.Observe(Observation(English[random.Next(English.Length)], refused: random.NextDouble() < 0.4, label: random.NextDouble() < 0.2 ? "billing" : "tech"));
        }

        var report = monitor.Compare();

        Assert.Multiple(() =>
        {
            Assert.That(report.Findings.Single(f => f.Feature == "refusal").Drifted, Is.True);
            Assert.That(report.Findings.Single(f => f.Feature == "output_label").Drifted, Is.True);
        });
    }

    [Test]
    public void EmbeddingCentroidShift_IsMeasuredAsCosineDistance()
    {
        using var monitor = new DriftMonitor(new DriftMonitorOptions { CompareEvery = 0, MinimumLiveCount = 2 });
        monitor.SetReference([Observation("a", embedding: [1, 0]), Observation("b", embedding: [1, 0])]);
        monitor.Observe(Observation("c", embedding: [0.6f, 0.8f]));
        monitor.Observe(Observation("d", embedding: [0.6f, 0.8f]));

        var finding = monitor.Compare().Findings.Single(f => f.Feature == "input_embedding");

        Assert.Multiple(() =>
        {
            Assert.That(finding.Value, Is.EqualTo(0.4).Within(1e-6), "1 − cos = 1 − 0.6");
            Assert.That(finding.Drifted, Is.True);
        });
    }

    [Test]
    public void AutomaticComparisons_RunEveryNObservations()
    {
        using var monitor = new DriftMonitor(new DriftMonitorOptions { ReferenceSize = 10, CompareEvery = 25, MinimumLiveCount = 10 });
        var reports = Enumerable.Range(0, 60).Select(i => monitor.Observe(Observation(English[i % English.Length]))).Where(r => r is not null).ToList();

        Assert.That(reports, Has.Count.EqualTo(2), "after 25 and 50 live observations");
    }

    [TestCase("How long is the warranty on my router?", "en")]
    [TestCase("Wie lange ist die Garantie für den Router?", "de")]
    [TestCase("Comment est la garantie pour le routeur et les accessoires?", "fr")]
    [TestCase("Как долго действует гарантия?", "ru")]
    [TestCase("保証期間はどのくらいですか", "ja")]
    [TestCase("保修期多长", "zh")]
    [TestCase("12345 ???", "und")]
    public void LanguageGuess_RecognisesCommonLanguages(string text, string language)
    {
        Assert.That(LanguageGuess.Guess(text), Is.EqualTo(language));
    }
}
