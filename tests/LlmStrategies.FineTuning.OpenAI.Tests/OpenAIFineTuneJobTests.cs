using System.Net;
using LlmStrategies.FineTuning.TrainingData;

namespace LlmStrategies.FineTuning.OpenAI.Tests;

public class OpenAIFineTuneJobTests
{
    private FineTuningApiEmulator _api = null!;
    private TestTimeProvider _time = null!;
    private HttpClient _http = null!;
    private OpenAIFineTuner _tuner = null!;
    private string _training = null!;

    [SetUp]
    public void Start()
    {
        _api = new FineTuningApiEmulator();
        _time = new TestTimeProvider();
        _http = new HttpClient();
        _tuner = new OpenAIFineTuner(OpenAIFineTunerTests.Options(_api.Endpoint), _http, _time);
        _training = Path.Combine(Path.GetTempPath(), $"ft-job-{Guid.NewGuid():N}.jsonl");
        new TrainingDataExporter().Export(Enumerable.Range(0, 10).Select(i => new TrainingExample { Input = $"Q{i}", Output = $"A{i}" }), [], _training);
    }

    [TearDown]
    public async Task Stop()
    {
        _tuner.Dispose();
        _http.Dispose();
        await _api.DisposeAsync();
        File.Delete(_training);
    }

    private Task<IFineTuneJob> StartAsync() => _tuner.StartAsync(new FineTuneRequest { BaseModel = "base-model", TrainingFile = _training });

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    [Test]
    public async Task WaitForCompletionAsync_PollsWithBackoff_UntilTheJobSucceeds()
    {
        _api.Script.Clear();
        _api.Script.AddRange(["queued", "running", "running", "running", "running", "running", "succeeded"]);
        var job = await StartAsync();

        var state = await job.WaitForCompletionAsync();

        Assert.Multiple(() =>
        {
            Assert.That(state.Status, Is.EqualTo(FineTuneJobStatus.Succeeded));
            Assert.That(state.ProviderStatus, Is.EqualTo("succeeded"));
            Assert.That(state.JobId, Is.EqualTo(job.Id));
            Assert.That(state.BaseModel, Is.EqualTo("base-model"));
            Assert.That(state.FineTunedModelId, Is.EqualTo($"ft:base-model:emulator:none:{job.Id}"));
            Assert.That(state.TrainedTokens, Is.EqualTo(1_000));
            Assert.That(state.Error, Is.Null);
            Assert.That(state.CreatedAt, Is.EqualTo(DateTimeOffset.FromUnixTimeSeconds(1_750_000_000)));
            Assert.That(state.FinishedAt, Is.GreaterThan(state.CreatedAt!.Value));

            // A status change resets the wait to 10 s; an unchanged status grows it by 1.5, up to 30 s.
            Assert.That(_time.Waits, Is.EqualTo(new[] { Seconds(10), Seconds(10), Seconds(15), Seconds(22.5), Seconds(30), Seconds(30) }));
        });
    }

    [Test]
    public async Task WaitForCompletionAsync_ReturnsAFailedJob_WithTheProvidersError()
    {
        _api.Script.Clear();
        _api.Script.AddRange(["queued", "running", "failed"]);
        var job = await StartAsync();

        var state = await job.WaitForCompletionAsync();

        Assert.Multiple(() =>
        {
            Assert.That(state.Status, Is.EqualTo(FineTuneJobStatus.Failed));
            Assert.That(state.IsTerminal, Is.True);
            Assert.That(state.Error, Is.EqualTo("The training file has too few examples after filtering."));
            Assert.That(state.FineTunedModelId, Is.Null);
        });
    }

    [Test]
    public async Task StatesAreMapped_IncludingOnesThisLibraryDoesNotKnow()
    {
        _api.Script.Clear();
        _api.Script.AddRange(["queued", "pausing", "running"]);
        var job = await StartAsync();

        var states = new[] { await job.GetStateAsync(), await job.GetStateAsync(), await job.GetStateAsync() };

        Assert.Multiple(() =>
        {
            Assert.That(states.Select(s => s.Status), Is.EqualTo(new[] { FineTuneJobStatus.Queued, FineTuneJobStatus.Running, FineTuneJobStatus.Running }));
            Assert.That(states[1].ProviderStatus, Is.EqualTo("pausing"));
            Assert.That(states.Any(s => s.IsTerminal), Is.False);
        });
    }

    [Test]
    public async Task WatchAsync_StreamsEveryEventOnce_OldestFirst_UntilTheJobEnds()
    {
        var job = await StartAsync();

        var events = new List<FineTuneJobEvent>();
        await foreach (var item in job.WatchAsync())
        {
            events.Add(item);
        }

        var logged = _api.Jobs[job.Id].Events.Select(e => (string)e["message"]!).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(events.Select(e => e.Message), Is.EqualTo(logged));
            Assert.That(events[0].Message, Does.StartWith("Validating training file"));
            Assert.That(events[^1].Message, Is.EqualTo("The job has successfully completed"));
            Assert.That(events.Select(e => e.Id), Is.Unique);
            Assert.That(events.Select(e => e.Timestamp), Is.Ordered);
            var metrics = events.First(e => e.Metrics.Count > 0).Metrics;
            Assert.That(metrics, Is.EquivalentTo(new Dictionary<string, double> { ["step"] = 1, ["train_loss"] = 2.0 }), "numbers only; text fields are skipped");
        });
    }

    [Test]
    public async Task WatchAsync_PagesThroughEvents_WhenMoreArriveThanOnePage()
    {
        using var tuner = new OpenAIFineTuner(new OpenAIFineTunerOptions
        {
            Endpoint = _api.Endpoint,
            ApiKey = FineTuningApiEmulator.ApiKey,
            EventPageSize = 2,
        }, _http, _time);
        var job = await tuner.StartAsync(new FineTuneRequest { BaseModel = "base-model", TrainingFile = _training });
        _api.Script.Clear();
        _api.Script.AddRange(["succeeded"]);

        // Three events are logged before the first look: validating, then (at the first status request) model created and completed.
        var messages = new List<string>();
        await foreach (var item in job.WatchAsync())
        {
            messages.Add(item.Message);
        }

        Assert.Multiple(() =>
        {
            Assert.That(messages, Is.EqualTo(_api.Jobs[job.Id].Events.Select(e => (string)e["message"]!)));
            Assert.That(messages, Has.Count.EqualTo(3));
            Assert.That(_api.Requests.Count(r => r.Path.EndsWith("/events", StringComparison.Ordinal) && r.Query.Contains("after=", StringComparison.Ordinal)), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task CancelAsync_CancelsTheJob()
    {
        var job = await StartAsync();
        await job.GetStateAsync();

        var cancelled = await job.CancelAsync();
        var final = await job.WaitForCompletionAsync();

        Assert.Multiple(() =>
        {
            Assert.That(cancelled.Status, Is.EqualTo(FineTuneJobStatus.Cancelled));
            Assert.That(final.Status, Is.EqualTo(FineTuneJobStatus.Cancelled));
            Assert.That(_api.Jobs[job.Id].Status, Is.EqualTo("cancelled"));
        });
    }

    [Test]
    public async Task CancelAsync_OnAFinishedJob_ReportsTheProvidersRefusal()
    {
        var job = await StartAsync();
        await job.WaitForCompletionAsync();

        var ex = Assert.ThrowsAsync<FineTuneApiException>(() => job.CancelAsync())!;

        Assert.Multiple(() =>
        {
            Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(ex.Message, Does.Contain("has already succeeded"));
        });
    }

    [Test]
    public async Task TooManyRequests_IsRetriedAfterTheRetryAfterSeconds()
    {
        var job = await StartAsync();
        _time.Waits.Clear();
        _api.Fail("GET", "/v1/fine_tuning/jobs/", 429, retryAfter: "7");

        var state = await job.GetStateAsync();

        Assert.Multiple(() =>
        {
            Assert.That(state.Status, Is.EqualTo(FineTuneJobStatus.Queued));
            Assert.That(_time.Waits, Is.EqualTo(new[] { Seconds(7) }));
            Assert.That(_api.Requests.Count(r => r.Method == "GET"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task RetryAfter_AsAnHttpDate_IsHonoured()
    {
        var job = await StartAsync();
        _time.Waits.Clear();
        _api.Fail("GET", "/v1/fine_tuning/jobs/", 503, retryAfter: _time.GetUtcNow().AddSeconds(12).ToString("R"));

        await job.GetStateAsync();

        Assert.That(_time.Waits, Is.EqualTo(new[] { Seconds(12) }));
    }

    [Test]
    public async Task RetryAfter_LongerThanTheMaximum_IsCapped()
    {
        var job = await StartAsync();
        _time.Waits.Clear();
        _api.Fail("GET", "/v1/fine_tuning/jobs/", 429, retryAfter: "3600");

        await job.GetStateAsync();

        Assert.That(_time.Waits, Is.EqualTo(new[] { Seconds(60) }));
    }

    [Test]
    public async Task ServerErrors_AreRetriedWithExponentialBackoff()
    {
        var job = await StartAsync();
        _time.Waits.Clear();
        _api.Fail("GET", "/v1/fine_tuning/jobs/", 500);
        _api.Fail("GET", "/v1/fine_tuning/jobs/", 503);

        var state = await job.GetStateAsync();

        Assert.Multiple(() =>
        {
            Assert.That(state.Status, Is.EqualTo(FineTuneJobStatus.Queued));
            Assert.That(_time.Waits, Is.EqualTo(new[] { Seconds(1), Seconds(2) }));
        });
    }

    [Test]
    public async Task ServerErrors_BeyondTheRetries_FailWithTheStatusAndRequest()
    {
        var job = await StartAsync();
        _time.Waits.Clear();
        _api.Fail("GET", "/v1/fine_tuning/jobs/", 503, times: 10);

        var ex = Assert.ThrowsAsync<FineTuneApiException>(() => job.GetStateAsync())!;

        Assert.Multiple(() =>
        {
            Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(ex.RequestPath, Is.EqualTo($"GET /v1/fine_tuning/jobs/{job.Id}"));
            Assert.That(ex.Message, Does.Contain("503").And.Contain("after 3 retries"));
            Assert.That(_time.Waits, Is.EqualTo(new[] { Seconds(1), Seconds(2), Seconds(4) }));
        });
    }

    [Test]
    public async Task ABadRequest_IsNotRetried()
    {
        var job = await StartAsync();
        _time.Waits.Clear();
        _api.Fail("GET", "/v1/fine_tuning/jobs/", 400, body: "{\"error\":{\"message\":\"bad limit\",\"type\":\"invalid_request_error\"}}");

        var ex = Assert.ThrowsAsync<FineTuneApiException>(() => job.GetStateAsync())!;

        Assert.Multiple(() =>
        {
            Assert.That(ex.ProviderMessage, Is.EqualTo("bad limit"));
            Assert.That(ex.ProviderCode, Is.EqualTo("invalid_request_error"));
            Assert.That(_time.Waits, Is.Empty);
        });
    }

    [Test]
    public async Task ACancelledToken_StopsWaitingForTheJob()
    {
        var job = await StartAsync();
        using var cancellation = new CancellationTokenSource();
        _time.AdvanceAutomatically = false;
        _time.WaitStarted = _ => cancellation.Cancel();

        Assert.That(() => job.WaitForCompletionAsync(cancellation.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(_api.Jobs[job.Id].Status, Is.Not.EqualTo("cancelled"), "stopping to wait leaves the job running");
    }

    [Test]
    public async Task ACancelledToken_StopsARetryWait()
    {
        var job = await StartAsync();
        using var cancellation = new CancellationTokenSource();
        _time.AdvanceAutomatically = false;
        _time.WaitStarted = _ => cancellation.Cancel();
        _api.Fail("GET", "/v1/fine_tuning/jobs/", 429, retryAfter: "30");

        Assert.That(() => job.GetStateAsync(cancellation.Token), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task ACancelledToken_StopsWatching()
    {
        var job = await StartAsync();
        using var cancellation = new CancellationTokenSource();
        _time.AdvanceAutomatically = false;
        _time.WaitStarted = _ => cancellation.Cancel();

        var seen = 0;
        Assert.That(async () =>
        {
            await foreach (var _ in job.WatchAsync(cancellation.Token))
            {
                seen++;
            }
        }, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(seen, Is.EqualTo(2), "the events logged before the wait were delivered");
    }
}
