using LlmStrategies.FineTuning.TrainingData;
using LlmStrategies.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace LlmStrategies.FineTuning.OpenAI;

/// <summary>
/// Fine-tunes through any OpenAI-compatible fine-tuning API: checks the training data (<see cref="TrainingDataValidator"/>),
/// uploads it (<c>POST /files</c>, purpose "fine-tune"), creates the job (<c>POST /fine_tuning/jobs</c>) and hands back
/// an <see cref="IFineTuneJob"/> that polls its status and events with backoff and can cancel it. Every request is
/// retried on 408, 429 and 5xx answers and network errors, honouring Retry-After. All waiting runs on the
/// <see cref="TimeProvider"/> given to the constructor.
/// </summary>
/// <remarks>
/// Evaluate the result like any other strategy: <see cref="CreateChatClient(FineTuneJobState)"/> gives an
/// <see cref="IChatClient"/> for the fine-tuned model on the same endpoint, to build a pipeline with and run through
/// the experiment runner next to the prompt-only, few-shot and RAG strategies.
/// </remarks>
public sealed class OpenAIFineTuner : IFineTuner, IDisposable
{
    private readonly OpenAIFineTunerOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly FineTuningApiClient _client;
    private readonly string _apiKey;

    /// <summary>Creates a fine-tuner.</summary>
    /// <param name="options">The endpoint, key, polling and retry settings.</param>
    /// <param name="httpClient">The HTTP client to send requests with, or <see langword="null"/> to create one (disposed with this object).</param>
    /// <param name="timeProvider">The clock for polling and retry delays, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="OptionsValidationException">A setting is missing or invalid; the message names it.</exception>
    public OpenAIFineTuner(OpenAIFineTunerOptions options, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
    {
        ValidatedOptions.ThrowIfInvalid(new OpenAIFineTunerOptionsValidator(), options);
        _options = options;
        _apiKey = options.ResolveApiKey()!;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient { Timeout = options.NetworkTimeout };
        _client = new FineTuningApiClient(_http, options, _apiKey, timeProvider ?? TimeProvider.System);
    }

    /// <inheritdoc/>
    public string ProviderName => $"OpenAI-compatible ({_client.DisplayEndpoint})";

    /// <inheritdoc/>
    /// <exception cref="FileNotFoundException">The training or validation file does not exist.</exception>
    /// <exception cref="TrainingDataValidationException">A file has errors; nothing was uploaded.</exception>
    /// <exception cref="FineTuneApiException">The API refused a request, or kept failing after the retries.</exception>
    public async Task<IFineTuneJob> StartAsync(FineTuneRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.BaseModel, $"{nameof(request)}.{nameof(FineTuneRequest.BaseModel)}");
        ArgumentException.ThrowIfNullOrWhiteSpace(request.TrainingFile, $"{nameof(request)}.{nameof(FineTuneRequest.TrainingFile)}");
        if (request.Epochs is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Epochs, "FineTuneRequest.Epochs must be positive, or null for the provider's default.");
        }

        foreach (var file in new[] { request.TrainingFile, request.ValidationFile }.OfType<string>())
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"The fine-tuning data file '{Path.GetFullPath(file)}' does not exist; export it with TrainingDataExporter first.", file);
            }

            if (_options.Validation is { } rules)
            {
                // Checked before anything is sent: a provider rejects bad files only after the upload, minutes later.
                new TrainingDataValidator(rules).Validate(file).ThrowIfInvalid();
            }
        }

        var trainingFile = await _client.UploadFileAsync(request.TrainingFile, cancellationToken).ConfigureAwait(false);
        var validationFile = request.ValidationFile is null ? null : await _client.UploadFileAsync(request.ValidationFile, cancellationToken).ConfigureAwait(false);
        var job = await _client.CreateJobAsync(request, trainingFile, validationFile, cancellationToken).ConfigureAwait(false);
        return new OpenAIFineTuneJob(_client, job.Id is { Length: > 0 } id ? id : throw new FineTuneApiException($"POST fine_tuning/jobs at {_client.DisplayEndpoint} answered with a job without an id; is the endpoint an OpenAI-compatible fine-tuning API?"));
    }

    /// <inheritdoc/>
    /// <exception cref="FineTuneApiException">The job does not exist (404) or the API failed.</exception>
    public async Task<IFineTuneJob> GetJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        var job = await _client.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
        return new OpenAIFineTuneJob(_client, job.Id ?? jobId);
    }

    /// <summary>Creates a chat client for the model a succeeded job produced, on this fine-tuner's endpoint and key.</summary>
    /// <param name="state">The job's terminal state.</param>
    /// <returns>The chat client (through <see cref="ChatProviderFactory"/>); dispose it when done.</returns>
    /// <exception cref="InvalidOperationException">The job has not succeeded; the message gives its status and error.</exception>
    public IChatClient CreateChatClient(FineTuneJobState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Status != FineTuneJobStatus.Succeeded || string.IsNullOrEmpty(state.FineTunedModelId))
        {
            throw new InvalidOperationException(
                $"Fine-tuning job {state.JobId} is {state.ProviderStatus ?? state.Status.ToString()}{(state.Error is null ? string.Empty : $" ({state.Error})")}, so there is no fine-tuned model to call; wait for it with WaitForCompletionAsync and use a job that succeeded.");
        }

        return CreateChatClient(state.FineTunedModelId);
    }

    /// <summary>Creates a chat client for a fine-tuned model id on this fine-tuner's endpoint and key.</summary>
    /// <param name="modelId">The fine-tuned model's id (for example <c>ft:gpt-4o-mini-2024-07-18:org::abc123</c>).</param>
    /// <returns>The chat client; dispose it when done.</returns>
    public IChatClient CreateChatClient(string modelId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        return ChatProviderFactory.Create(
            new ChatProviderOptions
            {
                Provider = ChatProviderKind.OpenAI,
                Endpoint = _options.ResolveEndpoint(),
                Model = modelId,
                ApiKey = _apiKey,
                NetworkTimeout = _options.NetworkTimeout,
            },
            _ownsHttp ? null : _http);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}
