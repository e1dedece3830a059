using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly;
using Polly.Retry;

namespace LlmStrategies.FineTuning.OpenAI;

/// <summary>
/// The HTTP side of the OpenAI fine-tuning protocol: every request goes through a Polly retry pipeline (408, 429, 5xx
/// and network errors; Retry-After honoured, otherwise exponential backoff) whose delays run on the injected
/// <see cref="TimeProvider"/>, and every refusal becomes a <see cref="FineTuneApiException"/> naming the request.
/// </summary>
internal sealed class FineTuningApiClient
{
    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly string _display;
    private readonly string _apiKey;
    private readonly OpenAIFineTunerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public FineTuningApiClient(HttpClient http, OpenAIFineTunerOptions options, string apiKey, TimeProvider timeProvider)
    {
        _http = http;
        _options = options;
        _apiKey = apiKey;
        _timeProvider = timeProvider;
        var endpoint = options.ResolveEndpoint().ToString();
        _base = new Uri(endpoint.EndsWith('/') ? endpoint : endpoint + "/");
        _display = DisplayOf(_base);
        _pipeline = BuildPipeline(options, timeProvider);
    }

    public TimeProvider TimeProvider => _timeProvider;

    public OpenAIFineTunerOptions Options => _options;

    public Uri Endpoint => _base;

    /// <summary>Gets the endpoint as error messages show it: without user name, password or query (where keys hide).</summary>
    public string DisplayEndpoint => _display;

    /// <summary>An endpoint without the parts that can hold credentials, for messages.</summary>
    public static string DisplayOf(Uri endpoint)
    {
        if (!endpoint.IsAbsoluteUri)
        {
            return SensitiveText.Redact(endpoint.OriginalString);
        }

        var builder = new UriBuilder(endpoint) { UserName = string.Empty, Password = string.Empty, Query = string.Empty, Fragment = string.Empty };
        return builder.Uri.ToString();
    }

    /// <summary>Retries 408, 429, 5xx and network errors; with <see cref="OpenAIFineTunerOptions.MaxRetryAttempts"/> = 0 every request is sent once.</summary>
    private ResiliencePipeline<HttpResponseMessage> BuildPipeline(OpenAIFineTunerOptions options, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        if (options.MaxRetryAttempts == 0)
        {
            return builder.Build(); // Polly's retry strategy needs at least one attempt; no strategy means no retry
        }

        return builder
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                UseJitter = false,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome, args.Context.CancellationToken)),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    // Polly hands the failed response over; it is not read again, so release its connection now.
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .Build();
    }

    public async Task<string> UploadFileAsync(string path, CancellationToken cancellationToken)
    {
        var file = await SendAsync(
            HttpMethod.Post,
            "files",
            () =>
            {
                var form = new MultipartFormDataContent();
                form.Add(new StringContent("fine-tune"), "purpose");
#pragma warning disable CA2000 // The form owns the stream content and disposes it with the request.
                var content = new StreamContent(File.OpenRead(path));
#pragma warning restore CA2000
                content.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
                form.Add(content, "file", Path.GetFileName(path));
                return form;
            },
            FineTuningJsonContext.Default.FileObject,
            cancellationToken).ConfigureAwait(false);
        return file.Id is { Length: > 0 } id ? id : throw Malformed("POST files", "a file object without an id");
    }

    public Task<JobObject> CreateJobAsync(FineTuneRequest request, string trainingFileId, string? validationFileId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "fine_tuning/jobs", () => JobBody(request, trainingFileId, validationFileId), FineTuningJsonContext.Default.JobObject, cancellationToken);

    public Task<JobObject> GetJobAsync(string jobId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"fine_tuning/jobs/{Uri.EscapeDataString(jobId)}", null, FineTuningJsonContext.Default.JobObject, cancellationToken);

    public Task<JobObject> CancelJobAsync(string jobId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"fine_tuning/jobs/{Uri.EscapeDataString(jobId)}/cancel", null, FineTuningJsonContext.Default.JobObject, cancellationToken);

    public Task<EventList> ListEventsAsync(string jobId, string? after, CancellationToken cancellationToken)
    {
        var query = $"fine_tuning/jobs/{Uri.EscapeDataString(jobId)}/events?limit={_options.EventPageSize.ToString(CultureInfo.InvariantCulture)}";
        if (after is not null)
        {
            query += "&after=" + Uri.EscapeDataString(after);
        }

        return SendAsync(HttpMethod.Get, query, null, FineTuningJsonContext.Default.EventList, cancellationToken);
    }

    public static FineTuneJobState ToState(JobObject job)
    {
        var status = job.Status switch
        {
            "validating_files" or "queued" => FineTuneJobStatus.Queued,
            "succeeded" => FineTuneJobStatus.Succeeded,
            "failed" => FineTuneJobStatus.Failed,
            "cancelled" => FineTuneJobStatus.Cancelled,

            // "running", and states a provider adds later (for example "pausing"): not finished, keep watching.
            _ => FineTuneJobStatus.Running,
        };
        return new FineTuneJobState
        {
            JobId = job.Id ?? string.Empty,
            Status = status,
            ProviderStatus = job.Status,
            BaseModel = job.Model,
            FineTunedModelId = job.FineTunedModel,
            TrainedTokens = job.TrainedTokens,
            Error = string.IsNullOrEmpty(job.Error?.Message) ? null : job.Error.Message,
            CreatedAt = job.CreatedAt is { } created ? DateTimeOffset.FromUnixTimeSeconds(created) : null,
            FinishedAt = job.FinishedAt is { } finished ? DateTimeOffset.FromUnixTimeSeconds(finished) : null,
        };
    }

    private static bool IsTransient(Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken) => outcome switch
    {
        { Exception: HttpRequestException } => true,

        // HttpClient reports its own timeout as a cancellation; the caller's cancellation is final.
        { Exception: OperationCanceledException } => !cancellationToken.IsCancellationRequested,
        { Result: { } response } => response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500,
        _ => false,
    };

    /// <summary>The server's Retry-After (seconds or a date), capped at the maximum delay; null lets Polly back off exponentially.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage? response)
    {
        var header = response?.Headers.RetryAfter;
        var delay = header?.Delta ?? (header?.Date is { } date ? date - _timeProvider.GetUtcNow() : null);
        if (delay is not { } value)
        {
            return null;
        }

        return value < TimeSpan.Zero ? TimeSpan.Zero : value > _options.MaxRetryDelay ? _options.MaxRetryDelay : value;
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string relative, Func<HttpContent>? content, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var uri = new Uri(_base, relative);
        var name = $"{method} {uri.AbsolutePath}";
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                async token =>
                {
                    // A request message can be sent once, so every attempt builds its own (and re-reads an uploaded file).
                    using var request = new HttpRequestMessage(method, uri) { Content = content?.Invoke() };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
                    return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex is not FineTuneApiException)
        {
            throw new FineTuneApiException($"{name} at {_display} failed after {_options.MaxRetryAttempts} retries: {Redacted(ex.Message)} Check the endpoint (FineTuning:Endpoint) and the network.", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FineTuneApiException($"{name} at {_display} timed out after {_options.MaxRetryAttempts} retries; raise FineTuning:NetworkTimeout or check the server.", ex);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw Refusal(name, response, body);
            }

            try
            {
                return JsonSerializer.Deserialize(body, type) ?? throw Malformed(name, "null");
            }
            catch (JsonException ex)
            {
                throw new FineTuneApiException($"{name} at {_display} answered {(int)response.StatusCode} with a body that is not the expected JSON ({Redacted(ex.Message)}); is the endpoint an OpenAI-compatible fine-tuning API?", ex);
            }
        }
    }

    private FineTuneApiException Refusal(string name, HttpResponseMessage response, string body)
    {
        ApiError? error = null;
        try
        {
            error = JsonSerializer.Deserialize(body, FineTuningJsonContext.Default.ErrorEnvelope)?.Error;
        }
        catch (JsonException)
        {
            // Not an OpenAI error object; the status code alone is reported.
        }

        var status = (int)response.StatusCode;
        var hint = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => "Check the API key (FineTuning:ApiKey or the environment variable it falls back to).",
            HttpStatusCode.NotFound => "Check the endpoint (it must include the version path, for example https://api.openai.com/v1) and the job id.",
            HttpStatusCode.TooManyRequests => $"Still rate-limited after {_options.MaxRetryAttempts} retries; try again later or raise FineTuning:MaxRetryAttempts.",
            _ when status >= 500 => $"The server kept failing after {_options.MaxRetryAttempts} retries; try again later.",
            _ => "The request was refused; the provider's message says why.",
        };
        var providerMessage = error?.Message is { Length: > 0 } message ? Redacted(message) : null;
        var said = providerMessage is not null ? $": \"{providerMessage}\"" : string.Empty;
        return new FineTuneApiException($"{name} at {_display} answered {status} {response.ReasonPhrase}{said}. {hint}", response.StatusCode, name, providerMessage, error?.Code ?? error?.Type);
    }

    /// <summary>Text from outside (the provider, the network stack) as messages may show it: never the API key, nor anything that looks like a credential.</summary>
    private string Redacted(string text) => SensitiveText.Redact(_apiKey.Length > 0 ? text.Replace(_apiKey, "[api key]", StringComparison.Ordinal) : text);

    private FineTuneApiException Malformed(string name, string what) =>
        new($"{name} at {_display} answered with {what}; is the endpoint an OpenAI-compatible fine-tuning API?", HttpStatusCode.OK, name, null, null);

    private static ByteArrayContent JobBody(FineTuneRequest request, string trainingFileId, string? validationFileId)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model", request.BaseModel);
            writer.WriteString("training_file", trainingFileId);
            if (validationFileId is not null)
            {
                writer.WriteString("validation_file", validationFileId);
            }

            if (request.Epochs is not null || request.Hyperparameters.Count > 0)
            {
                writer.WriteStartObject("hyperparameters");
                if (request.Epochs is { } epochs)
                {
                    writer.WriteNumber("n_epochs", epochs);
                }

                foreach (var (key, value) in request.Hyperparameters.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    // Values arrive as text (from configuration); numbers go out as JSON numbers, "auto" and the like as strings.
                    if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var integer))
                    {
                        writer.WriteNumber(key, integer);
                    }
                    else if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
                    {
                        writer.WriteNumber(key, real);
                    }
                    else
                    {
                        writer.WriteString(key, value);
                    }
                }

                writer.WriteEndObject();
            }

            if (request.Suffix is not null)
            {
                writer.WriteString("suffix", request.Suffix);
            }

            if (request.Seed is { } seed)
            {
                writer.WriteNumber("seed", seed);
            }

            writer.WriteEndObject();
        }

        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = Encoding.UTF8.WebName };
        return content;
    }
}
