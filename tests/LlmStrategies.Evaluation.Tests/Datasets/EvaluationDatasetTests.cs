using LlmStrategies.Evaluation;

namespace LlmStrategies.Tests.Evaluation.Datasets;

public class EvaluationDatasetTests
{
    private static EvaluationItem Item(string id, string input = "q", string expected = "a") => new() { Id = id, Input = input, ExpectedOutputs = [expected] };

    [Test]
    public void Fingerprint_IgnoresOrderButNotContent()
    {
        var a = new EvaluationDataset("d", [Item("1"), Item("2")]);
        var b = new EvaluationDataset("other name", [Item("2"), Item("1")]);
        var c = new EvaluationDataset("d", [Item("1"), Item("2", expected: "b")]);
        var d = new EvaluationDataset("d", [Item("1"), Item("2")], [new SourceDocument { Id = "doc", Text = "t" }]);

        Assert.Multiple(() =>
        {
            Assert.That(a.Fingerprint, Has.Length.EqualTo(32));
            Assert.That(b.Fingerprint, Is.EqualTo(a.Fingerprint));
            Assert.That(c.Fingerprint, Is.Not.EqualTo(a.Fingerprint));
            Assert.That(d.Fingerprint, Is.Not.EqualTo(a.Fingerprint));
        });
    }

    [Test]
    public void Fingerprint_FieldBoundariesAreUnambiguous()
    {
        var a = new EvaluationDataset("d", [Item("1", input: "ab", expected: "c")]);
        var b = new EvaluationDataset("d", [Item("1", input: "a", expected: "bc")]);
        Assert.That(a.Fingerprint, Is.Not.EqualTo(b.Fingerprint));
    }

    [Test]
    public void DuplicateIds_AreRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new EvaluationDataset("d", [Item("1"), Item("1")]));
        Assert.That(ex!.Message, Does.Contain("two items with id '1'"));
    }

    [Test]
    public void Subset_KeepsTheGivenOrder_AndRejectsUnknownIds()
    {
        var dataset = new EvaluationDataset("d", [Item("1"), Item("2"), Item("3")]);
        Assert.That(dataset.Subset("s", ["3", "1"]).Items.Select(i => i.Id), Is.EqualTo(new[] { "3", "1" }));
        Assert.Throws<KeyNotFoundException>(() => dataset.Subset("s", ["9"]));
    }
}
