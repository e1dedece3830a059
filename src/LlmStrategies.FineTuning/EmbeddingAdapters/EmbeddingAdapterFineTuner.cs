using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using LlmStrategies.FineTuning.TrainingData;
using Microsoft.Extensions.AI;

namespace LlmStrategies.FineTuning.EmbeddingAdapters;

/// <summary>
/// A fine-tuner that runs here: it trains an <see cref="EmbeddingAdapter"/> for an embedding model, behind the same
/// <see cref="IFineTuner"/> / <see cref="IFineTuneJob"/> contract as a hosted provider. The training file is chat-format
/// JSONL as <see cref="TrainingDataExporter"/> writes it, read as (query, relevant passage) pairs: the last user turn is
/// the query, the last assistant turn the passage; the validation file, when given, is the development set for early
/// stopping. The job reports one event per epoch (training loss, development MRR@10); when it succeeds, its
/// <see cref="FineTuneJobState.FineTunedModelId"/> is the path of the saved adapter: load it with
/// <see cref="EmbeddingAdapter.Load"/> and wrap the base generator with <see cref="AdaptedEmbeddingGenerator"/>.
/// </summary>
public sealed class EmbeddingAdapterFineTuner : IFineTuner
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly EmbeddingAdapterFineTunerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, EmbeddingAdapterFineTuneJob> _jobs = new(StringComparer.Ordinal);

    /// <summary>Creates a fine-tuner for one embedding model.</summary>
    /// <param name="generator">The base embedding model the adapters are trained for.</param>
    /// <param name="options">Where adapters go and how they are trained.</param>
    /// <param name="timeProvider">The clock for event times, or <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">A setting is missing or out of range; the message names it.</exception>
    public EmbeddingAdapterFineTuner(IEmbeddingGenerator<string, Embedding<float>> generator, EmbeddingAdapterFineTunerOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ValidatedOptions.ThrowIfInvalid(new EmbeddingAdapterFineTunerOptionsValidator(), options);
        _generator = generator;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public string ProviderName => "LlmStrategies local embedding adapter";

    /// <summary>Gets the base model's id, as a request's <see cref="FineTuneRequest.BaseModel"/> must name it (null when the generator does not say).</summary>
    public string? BaseModelId => _generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The request names another base model, or a hyper-parameter is not a number.</exception>
    /// <exception cref="FileNotFoundException">The training or validation file does not exist.</exception>
    /// <exception cref="TrainingDataValidationException">A file has errors; the message lists them by line.</exception>
    public Task<IFineTuneJob> StartAsync(FineTuneRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.BaseModel, $"{nameof(request)}.{nameof(FineTuneRequest.BaseModel)}");
        if (BaseModelId is { } known && !string.Equals(known, request.BaseModel, StringComparison.Ordinal))
        {
            throw new ArgumentException($"This fine-tuner trains adapters for '{known}', but the request names '{request.BaseModel}'; set FineTuneRequest.BaseModel to '{known}' or use a fine-tuner for that model.", nameof(request));
        }

        var training = ReadPairs(request.TrainingFile);
        var development = request.ValidationFile is null ? null : ReadPairs(request.ValidationFile);
        var options = OptionsFor(request);
        _ = new EmbeddingAdapterTrainer(options); // checks the hyper-parameters now, before a job exists
        var id = $"adapter-{_timeProvider.GetUtcNow():yyyyMMddHHmmss}-{Guid.NewGuid():N}"[..40];
        var path = Path.Combine(Path.GetFullPath(_options.OutputDirectory), id + ".adapter");
        var job = new EmbeddingAdapterFineTuneJob(id, request.BaseModel, _timeProvider);
        _jobs[id] = job;
        job.Start(token => RunAsync(job, training, development, options, path, token));
        return Task.FromResult<IFineTuneJob>(job);
    }

    /// <inheritdoc/>
    /// <exception cref="KeyNotFoundException">No job with this id was started by this fine-tuner.</exception>
    public Task<IFineTuneJob> GetJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        return _jobs.TryGetValue(jobId, out var job)
            ? Task.FromResult<IFineTuneJob>(job)
            : throw new KeyNotFoundException($"No adapter job '{jobId}' was started by this fine-tuner; local jobs live as long as the fine-tuner (finished adapters stay in {_options.OutputDirectory}).");
    }

    private async Task<string> RunAsync(EmbeddingAdapterFineTuneJob job, List<RelevancePair> training, List<RelevancePair>? development, EmbeddingAdapterTrainingOptions options, string path, CancellationToken cancellationToken)
    {
        job.Log("info", $"Embedding {training.Count} training pair(s){(development is null ? string.Empty : $" and {development.Count} development pair(s)")} with the base model.");
        var trainingSet = await EmbeddingPairSet.CreateAsync(_generator, training, cancellationToken).ConfigureAwait(false);
        var developmentSet = development is null ? null : await EmbeddingPairSet.CreateAsync(_generator, development, cancellationToken).ConfigureAwait(false);
        job.Running();
        var result = new EmbeddingAdapterTrainer(options).Train(trainingSet, developmentSet, new EpochEvents(job), cancellationToken);
        result.Adapter.Save(path);
        job.Log("info", $"Kept epoch {result.BestEpoch} of {result.Epochs.Count - 1}{(developmentSet is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" (development MRR@10 {result.BaseDevelopmentMrr:F4} -> {result.BestDevelopmentMrr:F4})"))}; adapter saved to {path}.");
        return path;
    }

    private List<RelevancePair> ReadPairs(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The adapter training data file '{Path.GetFullPath(path)}' does not exist; export (query, passage) pairs with TrainingDataExporter first.", path);
        }

        new TrainingDataValidator(new TrainingDataValidationOptions { MinimumExamples = _options.MinimumPairs }).Validate(path).ThrowIfInvalid();
        var pairs = new List<RelevancePair>();
        foreach (var line in File.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            string? query = null, passage = null;
            foreach (var message in document.RootElement.GetProperty("messages").EnumerateArray())
            {
                var role = message.GetProperty("role").GetString();
                var content = message.GetProperty("content").GetString();
                (query, passage) = role switch
                {
                    "user" => (content, passage),
                    "assistant" => (query, content),
                    _ => (query, passage),
                };
            }

            if (query is not null && passage is not null)
            {
                pairs.Add(new RelevancePair(query, passage));
            }
        }

        return pairs;
    }

    private EmbeddingAdapterTrainingOptions OptionsFor(FineTuneRequest request)
    {
        var t = _options.Training;
        var options = new EmbeddingAdapterTrainingOptions
        {
            Rank = t.Rank,
            Temperature = t.Temperature,
            LearningRate = t.LearningRate,
            BatchSize = t.BatchSize,
            HardNegativesPerQuery = t.HardNegativesPerQuery,
            MaxEpochs = request.Epochs ?? t.MaxEpochs,
            Patience = t.Patience,
            WeightDecay = t.WeightDecay,
            Seed = request.Seed ?? t.Seed,
        };
        foreach (var (key, value) in request.Hyperparameters)
        {
            double Number() => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? number
                : throw new ArgumentException($"Hyperparameter '{key}' is '{value}', not a number.", nameof(request));
            switch (key)
            {
                case "rank": options.Rank = (int)Number(); break;
                case "learning_rate": options.LearningRate = Number(); break;
                case "temperature": options.Temperature = Number(); break;
                case "batch_size": options.BatchSize = (int)Number(); break;
                case "weight_decay": options.WeightDecay = Number(); break;
                case "patience": options.Patience = (int)Number(); break;
                case "hard_negatives": options.HardNegativesPerQuery = (int)Number(); break;
                default: throw new ArgumentException($"Hyperparameter '{key}' is not known to the adapter trainer; use rank, learning_rate, temperature, batch_size, weight_decay, patience or hard_negatives.", nameof(request));
            }
        }

        return options;
    }

    /// <summary>Turns each finished epoch into a job event with its metrics.</summary>
    private sealed class EpochEvents(EmbeddingAdapterFineTuneJob job) : IProgress<EmbeddingAdapterEpoch>
    {
        public void Report(EmbeddingAdapterEpoch value)
        {
            var metrics = new Dictionary<string, double>(StringComparer.Ordinal) { ["epoch"] = value.Epoch };
            if (value.Epoch > 0)
            {
                metrics["train_loss"] = value.TrainingLoss;
            }

            if (!double.IsNaN(value.DevelopmentMrr))
            {
                metrics["dev_mrr_at_10"] = value.DevelopmentMrr;
            }

            job.Log("info", value.Epoch == 0
                ? string.Create(CultureInfo.InvariantCulture, $"Epoch 0 (base model): development MRR@10 {value.DevelopmentMrr:F4}.")
                : string.Create(CultureInfo.InvariantCulture, $"Epoch {value.Epoch}: training loss {value.TrainingLoss:F4}, development MRR@10 {value.DevelopmentMrr:F4}."), metrics);
        }
    }
}
