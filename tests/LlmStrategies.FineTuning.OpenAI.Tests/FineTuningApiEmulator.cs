using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LlmStrategies.FineTuning.OpenAI.Tests;

/// <summary>
/// A stateful emulation of OpenAI's fine-tuning protocol on 127.0.0.1, for tests: file upload (multipart, purpose
/// "fine-tune"), job creation, a job that advances one scripted status per status request and logs events as it goes,
/// events listed newest first with <c>after</c>/<c>limit</c> paging, cancellation, chat completions for the fine-tuned
/// model, bearer-key authentication, and injected faults (any status, with or without Retry-After).
/// </summary>
internal sealed partial class FineTuningApiEmulator : IAsyncDisposable
{
    public const string ApiKey = "test-key";
    private const long Epoch = 1_750_000_000;

    private readonly HttpListener _listener;
    private readonly Task _loop;
    private readonly Lock _gate = new();
    private readonly List<Fault> _faults = [];
    private int _nextId;

    public FineTuningApiEmulator()
    {
        (_listener, var baseAddress) = LoopbackHttp.Start();
        Endpoint = new Uri(baseAddress, "v1");

        _loop = Task.Run(ServeAsync);
    }

    /// <summary>Gets the base address including the version path, as a client is configured with.</summary>
    public Uri Endpoint { get; }

    /// <summary>Gets the statuses a job moves through, one per status request, after "validating_files" at creation.</summary>
    public List<string> Script { get; } = ["queued", "running", "running", "running", "succeeded"];

    /// <summary>Gets or sets the error a job reports when the script reaches "failed".</summary>
    public string FailureMessage { get; set; } = "The training file has too few examples after filtering.";

    public List<RecordedRequest> Requests { get; } = [];

    public Dictionary<string, UploadedFile> Files { get; } = [];

    public Dictionary<string, EmulatedJob> Jobs { get; } = [];

    /// <summary>Answers the next <paramref name="times"/> requests matching method and path prefix with <paramref name="status"/>.</summary>
    public void Fail(string method, string pathPrefix, int status, string? retryAfter = null, int times = 1, string? body = null)
    {
        lock (_gate)
        {
            _faults.Add(new Fault(method, pathPrefix, status, retryAfter, body) { Remaining = times });
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop.ConfigureAwait(false);
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            using var buffer = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(buffer);
            var request = new RecordedRequest(
                context.Request.HttpMethod,
                context.Request.Url!.AbsolutePath,
                context.Request.Url.Query,
                context.Request.Headers["Authorization"],
                context.Request.ContentType,
                Encoding.UTF8.GetString(buffer.ToArray()));
            Answer answer;
            lock (_gate)
            {
                Requests.Add(request);
                answer = Handle(request);
            }

            var bytes = Encoding.UTF8.GetBytes(answer.Body);
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = "application/json";
            if (answer.RetryAfter is not null)
            {
                context.Response.AddHeader("Retry-After", answer.RetryAfter);
            }

            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private Answer Handle(RecordedRequest request)
    {
        var fault = _faults.FirstOrDefault(f => f.Remaining > 0 && f.Method == request.Method && request.Path.StartsWith(f.PathPrefix, StringComparison.Ordinal));
        if (fault is not null)
        {
            fault.Remaining--;
            return new Answer(fault.Status, fault.Body ?? Error($"Injected fault {fault.Status}.", "server_error"), fault.RetryAfter);
        }

        if (request.Authorization != $"Bearer {ApiKey}")
        {
            return new Answer(401, Error("Incorrect API key provided.", "invalid_api_key"));
        }

        return (request.Method, request.Path) switch
        {
            ("POST", "/v1/files") => Upload(request),
            ("POST", "/v1/fine_tuning/jobs") => Create(request),
            ("POST", "/v1/chat/completions") => Chat(request),
            ("GET", var path) when JobPath().Match(path) is { Success: true } m => Status(m.Groups[1].Value),
            ("GET", var path) when EventsPath().Match(path) is { Success: true } m => Events(m.Groups[1].Value, request.Query),
            ("POST", var path) when CancelPath().Match(path) is { Success: true } m => Cancel(m.Groups[1].Value),
            _ => new Answer(404, Error($"Unknown route {request.Method} {request.Path}.", "not_found")),
        };
    }

    private Answer Upload(RecordedRequest request)
    {
        var boundary = request.ContentType?.Split("boundary=").ElementAtOrDefault(1)?.Trim('"');
        if (boundary is null)
        {
            return new Answer(400, Error("Expected multipart/form-data.", "invalid_request_error"));
        }

        string? purpose = null, fileName = null, content = null;
        foreach (var part in request.Body.Split("--" + boundary).Where(p => p.Contains("\r\n\r\n", StringComparison.Ordinal)))
        {
            var split = part.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var headers = part[..split];
            var value = part[(split + 4)..];
            value = value.EndsWith("\r\n", StringComparison.Ordinal) ? value[..^2] : value;
            if (headers.Contains("name=purpose", StringComparison.Ordinal) || headers.Contains("name=\"purpose\"", StringComparison.Ordinal))
            {
                purpose = value;
            }
            else if (headers.Contains("name=file", StringComparison.Ordinal) || headers.Contains("name=\"file\"", StringComparison.Ordinal))
            {
                fileName = Regex.Match(headers, "filename=\"?([^\";\r\n]+)").Groups[1].Value;
                content = value;
            }
        }

        if (purpose != "fine-tune" || content is null)
        {
            return new Answer(400, Error($"Expected a file with purpose 'fine-tune', got purpose '{purpose}'.", "invalid_request_error"));
        }

        var id = $"file-{++_nextId}";
        Files[id] = new UploadedFile(id, fileName!, purpose, content);
        return new Answer(200, Json(new JsonObject { ["id"] = id, ["object"] = "file", ["bytes"] = Encoding.UTF8.GetByteCount(content), ["filename"] = fileName, ["purpose"] = purpose }));
    }

    private Answer Create(RecordedRequest request)
    {
        var body = JsonNode.Parse(request.Body)!.AsObject();
        var model = (string?)body["model"];
        var trainingFile = (string?)body["training_file"];
        if (string.IsNullOrEmpty(model) || trainingFile is null || !Files.TryGetValue(trainingFile, out var file))
        {
            return new Answer(400, Error($"invalid training_file: {trainingFile}", "invalid_request_error"));
        }

        var job = new EmulatedJob($"ftjob-{++_nextId}", model, (string?)body["suffix"], file.Content.Count(c => c == '\n') * 100L);
        Jobs[job.Id] = job;
        Log(job, "info", $"Validating training file: {trainingFile}");
        return new Answer(200, Json(job.ToJson()));
    }

    private Answer Status(string id)
    {
        if (!Jobs.TryGetValue(id, out var job))
        {
            return new Answer(404, Error($"No fine-tuning job with id {id}.", "not_found"));
        }

        if (!job.IsTerminal && job.Step < Script.Count)
        {
            Advance(job, Script[job.Step++]);
        }

        return new Answer(200, Json(job.ToJson()));
    }

    private void Advance(EmulatedJob job, string status)
    {
        var previous = job.Status;
        job.Status = status;
        switch (status)
        {
            case "queued":
                Log(job, "info", "Files validated, moving job to queued state");
                break;
            case "running" when previous != "running":
                Log(job, "info", "Fine-tuning job started");
                Metrics(job);
                break;
            case "running":
                Metrics(job);
                break;
            case "succeeded":
                job.FineTunedModel = $"ft:{job.Model}:emulator:{job.Suffix ?? "none"}:{job.Id}";
                job.FinishedAt = Epoch + _nextId;
                Log(job, "info", $"New fine-tuned model created: {job.FineTunedModel}");
                Log(job, "info", "The job has successfully completed");
                break;
            case "failed":
                job.Error = FailureMessage;
                job.FinishedAt = Epoch + _nextId;
                Log(job, "error", $"The job failed: {FailureMessage}");
                break;
        }
    }

    private void Metrics(EmulatedJob job)
    {
        job.TrainingStep++;
        Log(job, "info", $"Step {job.TrainingStep}: training loss={2.0 / job.TrainingStep:0.000}", new JsonObject { ["step"] = job.TrainingStep, ["train_loss"] = 2.0 / job.TrainingStep, ["note"] = "text is ignored" });
    }

    private Answer Events(string id, string query)
    {
        if (!Jobs.TryGetValue(id, out var job))
        {
            return new Answer(404, Error($"No fine-tuning job with id {id}.", "not_found"));
        }

        var parameters = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        var limit = parameters.TryGetValue("limit", out var l) ? int.Parse(l, CultureInfo.InvariantCulture) : 20;
        var newestFirst = Enumerable.Reverse(job.Events).ToList();
        if (parameters.TryGetValue("after", out var after))
        {
            newestFirst = [.. newestFirst.SkipWhile(e => (string)e["id"]! != after).Skip(1)];
        }

        var page = newestFirst.Take(limit).Select(e => e.DeepClone()).ToArray();
        return new Answer(200, Json(new JsonObject { ["object"] = "list", ["data"] = new JsonArray(page), ["has_more"] = newestFirst.Count > limit }));
    }

    private Answer Cancel(string id)
    {
        if (!Jobs.TryGetValue(id, out var job))
        {
            return new Answer(404, Error($"No fine-tuning job with id {id}.", "not_found"));
        }

        if (job.IsTerminal)
        {
            return new Answer(400, Error($"Job {id} has already {job.Status}.", "invalid_request_error"));
        }

        job.Status = "cancelled";
        job.FinishedAt = Epoch + _nextId;
        Log(job, "info", "Job cancelled by the user");
        return new Answer(200, Json(job.ToJson()));
    }

    private static Answer Chat(RecordedRequest request)
    {
        var model = (string?)JsonNode.Parse(request.Body)!["model"];
        return new Answer(200, Json(new JsonObject
        {
            ["id"] = "chatcmpl-1",
            ["object"] = "chat.completion",
            ["created"] = Epoch,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = $"answer from {model}" },
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 5, ["completion_tokens"] = 3, ["total_tokens"] = 8 },
        }));
    }

    private void Log(EmulatedJob job, string level, string message, JsonObject? data = null)
    {
        var id = ++_nextId;
        var item = new JsonObject { ["object"] = "fine_tuning.job.event", ["id"] = $"ftevent-{id}", ["created_at"] = Epoch + id, ["level"] = level, ["message"] = message, ["type"] = data is null ? "message" : "metrics" };
        if (data is not null)
        {
            item["data"] = data;
        }

        job.Events.Add(item);
    }

    private static string Error(string message, string code) =>
        Json(new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = "invalid_request_error", ["code"] = code } });

    private static string Json(JsonNode node) => node.ToJsonString();

    [GeneratedRegex("^/v1/fine_tuning/jobs/([^/]+)$")]
    private static partial Regex JobPath();

    [GeneratedRegex("^/v1/fine_tuning/jobs/([^/]+)/events$")]
    private static partial Regex EventsPath();

    [GeneratedRegex("^/v1/fine_tuning/jobs/([^/]+)/cancel$")]
    private static partial Regex CancelPath();

    private sealed record Answer(int Status, string Body, string? RetryAfter = null);

    private sealed record Fault(string Method, string PathPrefix, int Status, string? RetryAfter, string? Body)
    {
        public int Remaining { get; set; }
    }
}

internal sealed record RecordedRequest(string Method, string Path, string Query, string? Authorization, string? ContentType, string Body);

internal sealed record UploadedFile(string Id, string FileName, string Purpose, string Content);

internal sealed class EmulatedJob(string id, string model, string? suffix, long trainedTokens)
{
    public string Id { get; } = id;

    public string Model { get; } = model;

    public string? Suffix { get; } = suffix;

    public string Status { get; set; } = "validating_files";

    public int Step { get; set; }

    public int TrainingStep { get; set; }

    public string? FineTunedModel { get; set; }

    public string? Error { get; set; }

    public long? FinishedAt { get; set; }

    public List<JsonObject> Events { get; } = [];

    public bool IsTerminal => Status is "succeeded" or "failed" or "cancelled";

    public JsonObject ToJson() => new()
    {
        ["object"] = "fine_tuning.job",
        ["id"] = Id,
        ["model"] = Model,
        ["status"] = Status,
        ["fine_tuned_model"] = FineTunedModel,
        ["trained_tokens"] = Status == "succeeded" ? trainedTokens : null,
        ["error"] = Error is null ? null : new JsonObject { ["message"] = Error, ["code"] = "invalid_training_file", ["param"] = "training_file" },
        ["created_at"] = 1_750_000_000,
        ["finished_at"] = FinishedAt,
    };
}
