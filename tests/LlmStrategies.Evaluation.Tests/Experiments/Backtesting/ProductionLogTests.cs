using LlmStrategies.Evaluation;
using LlmStrategies.Experiments;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.Experiments;

public class ProductionLogTests
{
    private const string Good = "{\"id\": \"r1\", \"input\": \"q\", \"output\": \"a\"}\n{\"id\": \"r2\", \"input\": \"q\", \"output\": \"b\"}\n";

    private TempDirectory _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void ATornLastLine_IsSkippedAndReported_TheGoodLinesLoad()
    {
        var path = _temp.Write("calls.jsonl", Good + "{\"id\": \"r3\", \"input\": \"q\", \"out");

        var log = ProductionLog.Load(path);

        Assert.Multiple(() =>
        {
            Assert.That(log.Select(e => e.Id), Is.EqualTo(new[] { "r1", "r2" }));
            Assert.That(log.Notes.Single(), Does.Contain("line 3").And.Contain("cut short").And.Contain(path));
        });
    }

    [Test]
    public void ACorruptLineThatIsNotTheLast_IsStillAnError()
    {
        var path = _temp.Write("calls.jsonl", "{\"id\": \"r0\", \"inp\n" + Good);

        var ex = Assert.Throws<DatasetFormatException>(() => ProductionLog.Load(path));

        Assert.That(ex!.Errors.Single().Line, Is.EqualTo(1));
    }

    [TestCase("\"inputTokens\": -5", "inputTokens")]
    [TestCase("\"outputTokens\": 1e30", "outputTokens")]
    [TestCase("\"outputTokens\": 2.5", "outputTokens")]
    [TestCase("\"latencyMs\": -1", "latencyMs")]
    [TestCase("\"latencyMs\": 1e400", "latencyMs")]
    [TestCase("\"metrics\": {\"score\": 1e400}", "metrics.score")]
    public void NegativeOverflowingOrFractionalCounts_AreErrorsNamingTheField(string field, string name)
    {
        var path = _temp.Write("calls.jsonl", $"{{\"id\": \"r1\", \"input\": \"q\", \"output\": \"a\", {field}}}\n");

        var ex = Assert.Throws<DatasetFormatException>(() => ProductionLog.Load(path));

        Assert.That(ex!.Errors.Select(e => (e.Line, e.Field)), Is.EqualTo(new (int, string?)[] { (1, name) }));
    }

    [Test]
    public void InvalidUtf8_IsAnErrorNamingTheLine()
    {
        var path = _temp.File("calls.jsonl");
        File.WriteAllBytes(path, [.. "{\"id\": \"r1\", \"input\": \"q\", \"output\": \""u8, 0xFF, .. "\"}\n"u8]);

        var ex = Assert.Throws<DatasetFormatException>(() => ProductionLog.Load(path));

        Assert.That(ex!.Errors.Single().Message, Does.Contain("not valid UTF-8"));
    }
}
