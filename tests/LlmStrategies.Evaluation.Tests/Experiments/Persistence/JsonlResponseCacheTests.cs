using LlmStrategies.Experiments;
using LlmStrategies.Tests.TestDoubles;

namespace LlmStrategies.Tests.Experiments;

public class JsonlResponseCacheTests
{
    [Test]
    public async Task Responses_SurviveReopening_AndATornLineIsDropped()
    {
        using var temp = new TempDirectory();
        var path = temp.File("cache.jsonl");
        var key = ResponseCacheKey.For(StrategyFingerprint.Compute("s"), "m", "q1", "input", 0);
        using (var cache = new JsonlResponseCache(path))
        {
            await cache.SetAsync(key, new RecordedResponse { Answer = "a", SourceIds = ["d1"], InputTokens = 3, LatencyMs = 1.5 });
            await cache.SetAsync(ResponseCacheKey.For(StrategyFingerprint.Compute("s"), "m", "q1", "input", 1), new RecordedResponse { Answer = "b" });
        }

        File.AppendAllText(path, "{\"key\": \"abc\", \"resp");
        using var reopened = new JsonlResponseCache(path);
        var hit = await reopened.GetAsync(key);

        Assert.Multiple(() =>
        {
            Assert.That(reopened.Count, Is.EqualTo(2));
            Assert.That(hit!.Answer, Is.EqualTo("a"));
            Assert.That(hit.SourceIds, Is.EqualTo(new[] { "d1" }));
            Assert.That(hit.LatencyMs, Is.EqualTo(1.5));
            Assert.That(reopened.Notes.Single(), Does.Contain("cut short"));
        });
    }

    [Test]
    public void Keys_DependOnFingerprintModelInputAndRepeat()
    {
        var fingerprint = StrategyFingerprint.Compute("s");
        var key = ResponseCacheKey.For(fingerprint, "m", "id", "q", 0);
        Assert.Multiple(() =>
        {
            Assert.That(ResponseCacheKey.For(fingerprint, "m", "id", "q", 0), Is.EqualTo(key));
            Assert.That(ResponseCacheKey.For(StrategyFingerprint.Compute("t"), "m", "id", "q", 0), Is.Not.EqualTo(key));
            Assert.That(ResponseCacheKey.For(fingerprint, "n", "id", "q", 0), Is.Not.EqualTo(key));
            Assert.That(ResponseCacheKey.For(fingerprint, "m", "id", "r", 0), Is.Not.EqualTo(key));
            Assert.That(ResponseCacheKey.For(fingerprint, "m", "other-id", "q", 0), Is.Not.EqualTo(key), "the item id, not only the text");
            Assert.That(ResponseCacheKey.For(fingerprint, "m", "id", "q", 1), Is.Not.EqualTo(key));
        });
    }

    [Test]
    public void AFileOfAnotherKind_FailsLoudly()
    {
        using var temp = new TempDirectory();
        var path = temp.Write("x.jsonl", "{\"schema\":\"llmstrategies.experiment-checkpoint\",\"version\":1,\"identity\":\"x\"}\n");
        Assert.Throws<ExperimentFileException>(() => new JsonlResponseCache(path));
    }
}
