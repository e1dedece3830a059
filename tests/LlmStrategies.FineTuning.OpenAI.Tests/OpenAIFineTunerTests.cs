using System.Net;
using System.Text.Json;
using LlmStrategies.FineTuning.TrainingData;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace LlmStrategies.FineTuning.OpenAI.Tests;

public class OpenAIFineTunerTests
{
    private FineTuningApiEmulator _api = null!;
    private TestTimeProvider _time = null!;
    private HttpClient _http = null!;
    private string _folder = null!;

    [SetUp]
    public void Start()
    {
        _api = new FineTuningApiEmulator();
        _time = new TestTimeProvider();
        _http = new HttpClient();
        _folder = Directory.CreateTempSubdirectory("ft-openai-").FullName;
    }

    [TearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _api.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    internal static OpenAIFineTunerOptions Options(Uri endpoint) => new()
    {
        Endpoint = endpoint,
        ApiKey = FineTuningApiEmulator.ApiKey,
        PollInterval = TimeSpan.FromSeconds(10),
        MaxPollInterval = TimeSpan.FromSeconds(30),
        PollBackoffFactor = 1.5,
        MaxRetryAttempts = 3,
        RetryDelay = TimeSpan.FromSeconds(1),
        MaxRetryDelay = TimeSpan.FromSeconds(60),
    };

    private OpenAIFineTuner Tuner(Action<OpenAIFineTunerOptions>? change = null)
    {
        var options = Options(_api.Endpoint);
        change?.Invoke(options);
        return new OpenAIFineTuner(options, _http, _time);
    }

    private string TrainingFile(string name = "train.jsonl", int examples = 12)
    {
        var path = Path.Combine(_folder, name);
        new TrainingDataExporter(new TrainingDataExportOptions { SystemPrompt = "Be brief." })
            .Export(Enumerable.Range(0, examples).Select(i => new TrainingExample { Id = $"e{i}", Input = $"Question {i}?", Output = $"Answer {i}." }), [], path);
        return path;
    }

    [Test]
    public async Task StartAsync_UploadsTheFiles_AndCreatesTheJob()
    {
        using var tuner = Tuner();
        var training = TrainingFile();
        var validation = TrainingFile("validation.jsonl");

        var job = await tuner.StartAsync(new FineTuneRequest
        {
            BaseModel = "gpt-4o-mini-2024-07-18",
            TrainingFile = training,
            ValidationFile = validation,
            Epochs = 3,
            Suffix = "support",
            Seed = 42,
            Hyperparameters = new Dictionary<string, string> { ["learning_rate_multiplier"] = "0.5", ["batch_size"] = "auto" },
        });

        var uploads = _api.Requests.Where(r => r.Path == "/v1/files").ToList();
        using var body = JsonDocument.Parse(_api.Requests.Single(r => r.Path == "/v1/fine_tuning/jobs").Body);
        var root = body.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(job.Id, Does.StartWith("ftjob-"));
            Assert.That(uploads, Has.Count.EqualTo(2));
            Assert.That(uploads.All(r => r.ContentType!.StartsWith("multipart/form-data", StringComparison.Ordinal)), Is.True);
            Assert.That(_api.Requests.All(r => r.Authorization == "Bearer test-key"), Is.True);
            Assert.That(_api.Files.Values.Select(f => (f.FileName, f.Purpose)), Is.EqualTo(new[] { ("train.jsonl", "fine-tune"), ("validation.jsonl", "fine-tune") }));
            Assert.That(_api.Files.Values.First().Content, Is.EqualTo(File.ReadAllText(training)));
            Assert.That(root.GetProperty("model").GetString(), Is.EqualTo("gpt-4o-mini-2024-07-18"));
            Assert.That(root.GetProperty("training_file").GetString(), Is.EqualTo(_api.Files.Keys.First()));
            Assert.That(root.GetProperty("validation_file").GetString(), Is.EqualTo(_api.Files.Keys.Last()));
            Assert.That(root.GetProperty("hyperparameters").GetRawText(), Is.EqualTo("{\"n_epochs\":3,\"batch_size\":\"auto\",\"learning_rate_multiplier\":0.5}"));
            Assert.That(root.GetProperty("suffix").GetString(), Is.EqualTo("support"));
            Assert.That(root.GetProperty("seed").GetInt32(), Is.EqualTo(42));
            Assert.That(tuner.ProviderName, Does.Contain(_api.Endpoint.ToString()));
        });
    }

    [Test]
    public async Task StartAsync_WithoutOptionalSettings_SendsOnlyModelAndFile()
    {
        using var tuner = Tuner();

        await tuner.StartAsync(new FineTuneRequest { BaseModel = "base", TrainingFile = TrainingFile() });

        Assert.That(_api.Requests.Single(r => r.Path == "/v1/fine_tuning/jobs").Body, Is.EqualTo($"{{\"model\":\"base\",\"training_file\":\"{_api.Files.Keys.Single()}\"}}"));
    }

    [Test]
    public void StartAsync_RefusesInvalidTrainingData_BeforeSendingAnything()
    {
        using var tuner = Tuner();
        var path = TrainingFile(examples: 5);

        var ex = Assert.ThrowsAsync<TrainingDataValidationException>(() => tuner.StartAsync(new FineTuneRequest { BaseModel = "base", TrainingFile = path }))!;

        Assert.Multiple(() =>
        {
            Assert.That(ex.Message, Does.Contain("only 5 valid example(s)"));
            Assert.That(_api.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task StartAsync_CanSkipValidation()
    {
        using var tuner = Tuner(o => o.Validation = null);

        var job = await tuner.StartAsync(new FineTuneRequest { BaseModel = "base", TrainingFile = TrainingFile(examples: 5) });

        Assert.That(job.Id, Is.Not.Empty);
    }

    [Test]
    public void StartAsync_MissingFile_NamesIt()
    {
        using var tuner = Tuner();
        var missing = Path.Combine(_folder, "missing.jsonl");

        Assert.That(() => tuner.StartAsync(new FineTuneRequest { BaseModel = "base", TrainingFile = missing }), Throws.TypeOf<FileNotFoundException>().With.Message.Contains(missing));
    }

    [Test]
    public async Task AFailedUpload_IsRetriedWithTheFileReadAgain()
    {
        using var tuner = Tuner();
        _api.Fail("POST", "/v1/files", 502);

        await tuner.StartAsync(new FineTuneRequest { BaseModel = "base", TrainingFile = TrainingFile() });

        Assert.Multiple(() =>
        {
            Assert.That(_api.Requests.Count(r => r.Path == "/v1/files"), Is.EqualTo(2));
            Assert.That(WithoutBoundary(_api.Requests[1]), Is.EqualTo(WithoutBoundary(_api.Requests[0])), "the retry sends the same multipart body");
            Assert.That(_api.Files.Values.Single().Content, Is.EqualTo(File.ReadAllText(Path.Combine(_folder, "train.jsonl"))));
            Assert.That(_time.Waits, Is.EqualTo(new[] { TimeSpan.FromSeconds(1) }));
        });
    }

    [Test]
    public void MaxRetryAttemptsZero_SendsEachRequestOnce_AndReportsTheServersAnswer()
    {
        using var tuner = Tuner(o => o.MaxRetryAttempts = 0);
        _api.Fail("POST", "/v1/files", 502);

        var ex = Assert.ThrowsAsync<FineTuneApiException>(() => tuner.StartAsync(new FineTuneRequest { BaseModel = "base", TrainingFile = TrainingFile() }))!;

        Assert.Multiple(() =>
        {
            Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
            Assert.That(_api.Requests.Count(r => r.Path == "/v1/files"), Is.EqualTo(1), "0 retries: the request is sent once");
            Assert.That(_time.Waits, Is.Empty);
        });
    }

    [Test]
    public void ErrorMessages_NeverEchoTheApiKey_OrAPasswordInTheEndpoint()
    {
        var endpoint = new UriBuilder(_api.Endpoint) { UserName = "admin", Password = "hunter2-endpoint-password" }.Uri;
        using var tuner = new OpenAIFineTuner(Options(endpoint), _http, _time);
        var echo = $"Invalid request from key {FineTuningApiEmulator.ApiKey}; contact ops@example.com";
        _api.Fail("GET", "/v1/fine_tuning/jobs", 400, body: $"{{\"error\":{{\"message\":\"{echo}\",\"type\":\"invalid_request_error\"}}}}");

        var ex = Assert.ThrowsAsync<FineTuneApiException>(() => tuner.GetJobAsync("ftjob-1"))!;

        Assert.Multiple(() =>
        {
            Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "the injected answer was the one reported");
            foreach (var text in new[] { ex.Message, ex.ProviderMessage ?? string.Empty })
            {
                Assert.That(text, Does.Not.Contain(FineTuningApiEmulator.ApiKey).And.Not.Contain("hunter2").And.Not.Contain("ops@example.com"));
            }

            Assert.That(ex.ProviderMessage, Does.Contain("Invalid request from key [api key]"), "the rest of the provider's message is kept");
            Assert.That(ex.Message, Does.Contain(_api.Endpoint.Authority), "the endpoint is still named");
        });
    }

    private static string WithoutBoundary(RecordedRequest request) =>
        request.Body.Replace(request.ContentType!.Split("boundary=")[1].Trim('"'), "BOUNDARY", StringComparison.Ordinal);

    [Test]
    public async Task GetJobAsync_FindsAJobStartedEarlier()
    {
        using var tuner = Tuner();
        var started = await tuner.StartAsync(new FineTuneRequest { BaseModel = "base", TrainingFile = TrainingFile() });

        var found = await tuner.GetJobAsync(started.Id);

        Assert.That(found.Id, Is.EqualTo(started.Id));
    }

    [Test]
    public void GetJobAsync_UnknownJob_Is404WithTheProvidersMessage()
    {
        using var tuner = Tuner();

        var ex = Assert.ThrowsAsync<FineTuneApiException>(() => tuner.GetJobAsync("ftjob-nope"))!;

        Assert.Multiple(() =>
        {
            Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(ex.RequestPath, Is.EqualTo("GET /v1/fine_tuning/jobs/ftjob-nope"));
            Assert.That(ex.ProviderMessage, Is.EqualTo("No fine-tuning job with id ftjob-nope."));
            Assert.That(ex.Message, Does.Contain("404").And.Contain("No fine-tuning job with id ftjob-nope.").And.Contain("version path"));
            Assert.That(_time.Waits, Is.Empty, "a 404 is not retried");
        });
    }

    [Test]
    public void AWrongKey_Is401_WithAHintAboutTheKey()
    {
        using var tuner = Tuner(o => o.ApiKey = "wrong");

        var ex = Assert.ThrowsAsync<FineTuneApiException>(() => tuner.GetJobAsync("ftjob-1"))!;

        Assert.Multiple(() =>
        {
            Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(ex.ProviderCode, Is.EqualTo("invalid_api_key"));
            Assert.That(ex.Message, Does.Contain("Check the API key"));
        });
    }

    [Test]
    public async Task CreateChatClient_CallsTheFineTunedModel_OnTheSameEndpoint()
    {
        using var tuner = Tuner();
        var job = await tuner.StartAsync(new FineTuneRequest { BaseModel = "gpt-4o-mini", TrainingFile = TrainingFile(), Suffix = "support" });
        var state = await job.WaitForCompletionAsync();

        using var client = tuner.CreateChatClient(state);
        var response = await client.GetResponseAsync("How do I restart my router?");

        var call = _api.Requests.Single(r => r.Path == "/v1/chat/completions");
        Assert.Multiple(() =>
        {
            Assert.That(state.FineTunedModelId, Is.EqualTo($"ft:gpt-4o-mini:emulator:support:{job.Id}"));
            Assert.That(JsonDocument.Parse(call.Body).RootElement.GetProperty("model").GetString(), Is.EqualTo(state.FineTunedModelId));
            Assert.That(call.Authorization, Is.EqualTo("Bearer test-key"));
            Assert.That(response.Text, Is.EqualTo($"answer from {state.FineTunedModelId}"));
        });
    }

    [Test]
    public async Task CreateChatClient_RefusesAJobThatDidNotSucceed()
    {
        _api.Script.Clear();
        _api.Script.AddRange(["queued", "running", "failed"]);
        using var tuner = Tuner();
        var job = await tuner.StartAsync(new FineTuneRequest { BaseModel = "base", TrainingFile = TrainingFile() });
        var state = await job.WaitForCompletionAsync();

        Assert.That(() => tuner.CreateChatClient(state), Throws.InvalidOperationException.With.Message.Contains("is failed (The training file has too few examples after filtering.)"));
    }

    [Test]
    public void Options_AreValidated_NamingTheSetting()
    {
        var noKey = Options(_api.Endpoint);
        noKey.ApiKey = null;
        noKey.ApiKeyEnvironmentVariable = "LLMSTRATEGIES_TEST_UNSET_" + Guid.NewGuid().ToString("N");
        var badEndpoint = Options(new Uri("ftp://example.com/v1"));
        var badPolling = Options(_api.Endpoint);
        badPolling.PollInterval = TimeSpan.FromMinutes(5);

        Assert.Multiple(() =>
        {
            Assert.That(() => new OpenAIFineTuner(noKey), Throws.TypeOf<OptionsValidationException>().With.Message.Contains("FineTuning:ApiKey").And.Message.Contains(noKey.ApiKeyEnvironmentVariable));
            Assert.That(() => new OpenAIFineTuner(badEndpoint), Throws.TypeOf<OptionsValidationException>().With.Message.Contains("FineTuning:Endpoint"));
            Assert.That(() => new OpenAIFineTuner(badPolling), Throws.TypeOf<OptionsValidationException>().With.Message.Contains("FineTuning:PollInterval"));
        });
    }
}
