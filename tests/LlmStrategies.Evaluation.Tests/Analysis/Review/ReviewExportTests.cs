using LlmStrategies.Evaluation.Analysis;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.Evaluation.Analysis;

public class ReviewExportTests
{
    [Test]
    public void ExportsAStrategysFailuresWithAnswersAndContext()
    {
        var (dataset, run) = AnalysisFixtures.Attribution();
        var rows = ReviewExport.Rows(dataset, run, ReviewSelection.Failures("rag"));
        Assert.Multiple(() =>
        {
            Assert.That(rows.Select(r => r.Item), Is.EqualTo(new[] { "q2", "q3", "q4" }));
            var q2 = rows[0];
            Assert.That(q2.Prediction, Is.EqualTo("It opens at nine."));
            Assert.That(q2.Gold, Is.EqualTo(new[] { "green" }));
            Assert.That(q2.Score, Is.Zero);
            Assert.That(q2.Context, Does.StartWith("[d3] The museum opens at nine in the morning."));
            Assert.That(q2.Context, Does.Contain("[d5] The old castle"));
            Assert.That(q2.OtherPredictions, Is.EqualTo("prompt-only: I cannot answer that"));
            Assert.That(q2.DatasetFingerprint, Is.EqualTo(dataset.Fingerprint));
            Assert.That(q2.Selection, Is.EqualTo("failures of rag"));
            Assert.That(q2.Verdict, Is.Empty);
        });
    }

    [Test]
    public void SelectsBrokenItemsAndEvaluatorDisagreements()
    {
        var (dataset, run) = AnalysisFixtures.Attribution();
        Assert.Multiple(() =>
        {
            Assert.That(ReviewExport.Rows(dataset, run, ReviewSelection.Broken("rag", "prompt-only")).Select(r => r.Item), Is.EqualTo(new[] { "q5" }), "rag is right on q5, prompt-only is not");
            Assert.That(ReviewExport.Rows(dataset, run, ReviewSelection.Broken("prompt-only", "rag")).Select(r => r.Item), Is.Empty);
            // MRR > 0.5 counts as correct: q1 (MRR 1, answer right), q3 (MRR 1, answer wrong), q5 (MRR 0, answer right).
            Assert.That(ReviewExport.Rows(dataset, run, ReviewSelection.EvaluatorDisagreements("rag", AnalysisFixtures.Metric, "MRR@5")).Select(r => r.Item), Is.EqualTo(new[] { "q3", "q5" }));
            Assert.That(() => ReviewExport.Rows(dataset, run, ReviewSelection.EvaluatorDisagreements("rag", AnalysisFixtures.Metric, "Judge")), Throws.ArgumentException.With.Message.Contains("Judge"));
            Assert.That(() => ReviewExport.Rows(dataset, run, ReviewSelection.Items("rag", ["zz"], "some")), Throws.ArgumentException.With.Message.Contains("zz"));
        });
    }

    [TestCase("review.csv")]
    [TestCase("review.jsonl")]
    public void RoundTripsThroughBothFormats(string name)
    {
        using var temp = new TempDirectory();
        var row = new ReviewRow
        {
            Item = "q\"1",
            DatasetFingerprint = "abc",
            Input = "Is it \"red\", or blue?\nSay which.",
            Gold = ["red", "dark red"],
            Prediction = " leading space, comma",
            Context = "[d1] line one\n\n[d2] line, two",
            Verdict = "fix-gold",
            Correction = ["crimson", "red"],
            Example = "yes",
            Reviewer = "ana",
            Note = "was ambiguous; \"red\" is fine",
        };
        var path = temp.File(name);
        ReviewExport.Write(path, [row]);
        var errors = new List<LlmStrategies.Evaluation.DatasetError>();
        var read = ReviewFileReader.Read(path, errors).Single();
        Assert.Multiple(() =>
        {
            Assert.That(errors, Is.Empty);
            Assert.That(read.Line, Is.EqualTo(name.EndsWith(".csv", StringComparison.Ordinal) ? 2 : 1));
            Assert.That(read.Item, Is.EqualTo("q\"1"));
            Assert.That(read.Input, Is.EqualTo(row.Input));
            Assert.That(read.GoldText, Is.EqualTo("red | dark red"));
            Assert.That(read.Prediction, Is.EqualTo(row.Prediction));
            Assert.That(read.Verdict, Is.EqualTo("fix-gold"));
            Assert.That(read.Correction, Is.EqualTo(new[] { "crimson", "red" }));
            Assert.That(read.Example, Is.True);
            Assert.That((read.Reviewer, read.Note), Is.EqualTo(("ana", row.Note)));
        });
    }

    [Test]
    public void UnknownExtensionsAreRefused()
    {
        using var temp = new TempDirectory();
        Assert.That(() => ReviewExport.Write(temp.File("review.xlsx"), []), Throws.ArgumentException.With.Message.Contains(".jsonl or .csv"));
    }
}
