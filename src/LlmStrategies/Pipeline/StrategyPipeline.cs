using System.Diagnostics;
using System.Globalization;
using System.Text;
using LlmStrategies.FewShot;
using LlmStrategies.Retrieval;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Pipeline;

/// <summary>
/// A strategy made of stages: input validation → filtering → few-shot selection and retrieval (concurrently) → prompt
/// building → model call → output validation with bounded repair → result. Build one with
/// <see cref="StrategyPipelineBuilder"/>.
/// </summary>
/// <remarks>
/// Thread-safe: one pipeline serves concurrent requests as long as its components are thread-safe. Outcomes a caller
/// can cause (empty or over-long question, refusal, answer failing validation) are results; a component that throws is
/// reported as a <see cref="StrategyExecutionException"/> naming the stage; cancellation of the caller's token
/// surfaces as <see cref="OperationCanceledException"/>.
/// </remarks>
public sealed class StrategyPipeline : IStrategy
{
    private const string BuiltInValidator = "question";

    private readonly IChatClient _chatClient;
    private readonly StrategyPipelineOptions _options;
    private readonly IInputValidator[] _inputValidators;
    private readonly IRequestFilter[] _filters;
    private readonly FewShotStage? _fewShot;
    private readonly RetrievalStage? _retrieval;
    private readonly IPromptBuilder _promptBuilder;
    private readonly IOutputValidator[] _outputValidators;
    private readonly TimeProvider _timeProvider;
    private readonly string? _clientModelId;
    private readonly IStrategy? _fallbackStrategy;
    private readonly StrategyTelemetry? _telemetry;
    private readonly IReadOnlyList<IChatClient> _middleware;
    private readonly IContentVersioned[] _versioned;
    private readonly ChatClientMetadata? _metadata;
    private FingerprintSnapshot _fingerprint;

    internal StrategyPipeline(
        string name,
        IChatClient chatClient,
        StrategyPipelineOptions options,
        IInputValidator[] inputValidators,
        IRequestFilter[] filters,
        FewShotStage? fewShot,
        RetrievalStage? retrieval,
        IPromptBuilder promptBuilder,
        IOutputValidator[] outputValidators,
        TimeProvider timeProvider,
        IReadOnlyList<IChatClient> middleware,
        IStrategy? fallbackStrategy,
        StrategyTelemetry? telemetry)
    {
        Name = name;
        _chatClient = chatClient;
        _options = options;
        _inputValidators = inputValidators;
        _filters = filters;
        _fewShot = fewShot;
        _retrieval = retrieval;
        _promptBuilder = promptBuilder;
        _outputValidators = outputValidators;
        _timeProvider = timeProvider;
        _fallbackStrategy = fallbackStrategy;
        _telemetry = telemetry;

        _middleware = middleware;
        _metadata = chatClient.GetService<ChatClientMetadata>();
        _clientModelId = _metadata?.DefaultModelId;
        ChatOptionsFingerprint.ThrowIfUnsupported(name, options.ChatOptions);
        _versioned = new object?[] { fewShot?.Selector, retrieval?.Retriever, promptBuilder }
            .Concat(inputValidators).Concat(filters).Concat(outputValidators).Concat(middleware)
            .OfType<IContentVersioned>()
            .ToArray();
        _fingerprint = ComputeFingerprint(ContentVersion(), fallbackStrategy?.Fingerprint);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    /// <remarks>
    /// Current at every read: components whose content can change after the pipeline is built (an index that grows, an
    /// edited example store, a search parameter; see <see cref="IContentVersioned"/>) are checked before every run, and
    /// the fingerprint is recomputed when one changed, so a response cached for old content is never reused.
    /// </remarks>
    public StrategyFingerprint Fingerprint => CurrentFingerprint().Fingerprint;

    /// <summary>Gets the canonical configuration text the fingerprint hashes (record it next to experiment results).</summary>
    /// <remarks>
    /// It covers the pipeline's own settings (every answer-affecting <see cref="ChatOptions"/> property included), its
    /// components and their content digests, the chat client's reported provider and default model, and chat-client
    /// middleware added with <see cref="StrategyPipelineBuilder.UseChatClientMiddleware"/> that implements
    /// <see cref="IFingerprintable"/>; middleware wrapped inside the chat client before it was given to the builder is
    /// not visible to it.
    /// </remarks>
    public string FingerprintText => CurrentFingerprint().Text;

    /// <inheritdoc/>
    public async Task<StrategyResult> RunAsync(StrategyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var fingerprint = CurrentFingerprint().Fingerprint;
        using var activity = _telemetry?.ActivitySource.StartActivity($"strategy {Name}");
        activity?.SetTag("llmstrategies.strategy.name", Name);
        activity?.SetTag("llmstrategies.strategy.fingerprint", fingerprint.Value);
        try
        {
            var result = await RunWithFallbackAsync(request, fingerprint, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("llmstrategies.outcome", result.Outcome.ToString());
            _telemetry?.RecordRun(result);
            return result;
        }
        catch (Exception ex) when (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, FailureText.Of(ex));
            activity.SetTag("error.type", ex is StrategyExecutionException { InnerException: { } inner } ? inner.GetType().FullName : ex.GetType().FullName);
            throw;
        }
    }

    private async Task<StrategyResult> RunWithFallbackAsync(StrategyRequest request, StrategyFingerprint fingerprint, CancellationToken cancellationToken)
    {
        if (_fallbackStrategy is null)
        {
            return await RunCoreAsync(request, fingerprint, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await RunCoreAsync(request, fingerprint, cancellationToken).ConfigureAwait(false);
        }
        catch (StrategyExecutionException failure) when (!cancellationToken.IsCancellationRequested)
        {
            var result = await _fallbackStrategy.RunAsync(request, cancellationToken).ConfigureAwait(false);
            return result.WithFallbackReason($"strategy '{Name}' failed in stage {failure.Stage}: {FailureText.Of(failure)}");
        }
    }

    private async Task<StrategyResult> RunCoreAsync(StrategyRequest request, StrategyFingerprint fingerprint, CancellationToken cancellationToken)
    {
        var run = new Run(this, request, fingerprint, cancellationToken);

        // 1. Input validation: built-in rules first, then the configured validators.
        var inputValidation = await run.StageAsync(PipelineStage.InputValidation, 0, ValidateInputAsync).ConfigureAwait(false);
        if (!inputValidation.IsValid)
        {
            return run.Finish(StrategyOutcome.InputRejected, answer: null, inputValidation: inputValidation);
        }

        // 2. Filters: the first refusal stops the run; an allowed request may be rewritten for later stages.
        var refusal = await run.StageAsync(PipelineStage.Filtering, 0, FilterAsync).ConfigureAwait(false);
        if (refusal is not null)
        {
            return run.Finish(StrategyOutcome.Refused, refusal.RefusalMessage, refusal: refusal);
        }

        // 3. Few-shot selection and retrieval are independent, so they run concurrently.
        var examplesTask = _fewShot is not { Count: > 0 } fewShot
            ? Task.FromResult<IReadOnlyList<FewShotExample>>([])
            : run.StageAsync(PipelineStage.FewShotSelection, 0, r => fewShot.SelectAsync(r.Request.Question, r.Request.Filter, r.CancellationToken));
        var chunksTask = _retrieval is not { } retrieval
            ? Task.FromResult<IReadOnlyList<RetrievedChunk>>([])
            : run.StageAsync(PipelineStage.Retrieval, 0, r => retrieval.RetrieveAsync(r.Request.Question, r.Request.Filter, r.CancellationToken));
        await WhenBothAsync(examplesTask, chunksTask).ConfigureAwait(false);

        // 4. Prompt.
        var prompt = await run.StageAsync(PipelineStage.PromptBuilding, 0, r => BuildPromptAsync(r, examplesTask.Result, chunksTask.Result)).ConfigureAwait(false);
        run.Prompt = prompt;
        var messages = new List<ChatMessage>(prompt.Messages);

        // 5 and 6. Model call, then output validation; an invalid answer is sent back with the errors, a bounded number of times.
        for (var attempt = 0; ; attempt++)
        {
            run.SentMessages = messages.ToArray();
            var response = await run.StageAsync(PipelineStage.ModelCall, attempt, r => CallModelAsync(r, messages)).ConfigureAwait(false);
            run.AddResponse(response);
            var answer = response.Text;
            var validation = await run.StageAsync(PipelineStage.OutputValidation, attempt, r => ValidateOutputAsync(r, prompt, response, answer, attempt)).ConfigureAwait(false);
            if (validation.IsValid || attempt == _options.MaxRepairAttempts)
            {
                var outcome = validation.IsValid ? StrategyOutcome.Answered : StrategyOutcome.OutputRejected;
                return run.Finish(outcome, answer, outputValidation: validation, repairAttempts: attempt);
            }

            messages.AddRange(response.Messages);
            messages.Add(new ChatMessage(ChatRole.User, RenderRepairRequest(validation)));
        }
    }

    private static async Task WhenBothAsync(Task first, Task second)
    {
        try
        {
            await Task.WhenAll(first, second).ConfigureAwait(false);
        }
        catch (Exception) when (first.IsFaulted || first.IsCanceled)
        {
            // Report the earlier stage's failure; both tasks are observed, so nothing goes unobserved.
            await first.ConfigureAwait(false);
        }
    }

    private async Task<ValidationOutcome> ValidateInputAsync(Run run)
    {
        var question = run.Request.Question;
        if (string.IsNullOrWhiteSpace(question))
        {
            return ValidationOutcome.Invalid(BuiltInValidator, "The question is empty or white space; send the text the user asked.");
        }

        if (question.Length > _options.MaxQuestionLength)
        {
            return ValidationOutcome.Invalid(
                BuiltInValidator,
                string.Create(CultureInfo.InvariantCulture, $"The question is {question.Length:N0} characters long; the limit is {_options.MaxQuestionLength:N0} (StrategyPipelineOptions.MaxQuestionLength). Shorten the question or raise the limit."));
        }

        var outcomes = new List<ValidationOutcome>(_inputValidators.Length);
        foreach (var validator in _inputValidators)
        {
            outcomes.Add(await validator.ValidateAsync(run.Request, run.CancellationToken).ConfigureAwait(false));
        }

        return ValidationOutcome.Combine(outcomes);
    }

    private async Task<FilterDecision?> FilterAsync(Run run)
    {
        foreach (var filter in _filters)
        {
            var decision = await filter.FilterAsync(run.Request, run.CancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Filter {filter.GetType().FullName} returned null; return FilterDecision.Allow() to let the request through.");
            if (decision.IsRefused)
            {
                return decision;
            }

            if (decision.Request is not null)
            {
                run.Request = decision.Request;
            }
        }

        return null;
    }

    private async Task<BuiltPrompt> BuildPromptAsync(Run run, IReadOnlyList<FewShotExample> examples, IReadOnlyList<RetrievedChunk> chunks)
    {
        var context = new PromptContext
        {
            Question = run.Request.Question,
            SystemPrompt = _options.SystemPrompt,
            Instructions = _options.Instructions,
            OutputFormat = _options.OutputFormat,
            Examples = examples,
            Context = chunks,
            Conversation = run.Request.Conversation,
        };
        var prompt = await _promptBuilder.BuildAsync(context, run.CancellationToken).ConfigureAwait(false);
        if (prompt?.Messages is not { Count: > 0 })
        {
            throw new InvalidOperationException($"Prompt builder {_promptBuilder.GetType().FullName} returned no messages; a prompt needs at least the question.");
        }

        return prompt;
    }

    private Task<ChatResponse> CallModelAsync(Run run, List<ChatMessage> messages) =>
        _chatClient.GetResponseAsync(messages, _options.ChatOptions?.Clone(), run.CancellationToken);

    private async Task<ValidationOutcome> ValidateOutputAsync(Run run, BuiltPrompt prompt, ChatResponse response, string answer, int attempt)
    {
        var context = new OutputValidationContext { Request = run.Request, Prompt = prompt, Answer = answer, Response = response, Attempt = attempt };
        var outcomes = new List<ValidationOutcome>(_outputValidators.Length);
        foreach (var validator in _outputValidators)
        {
            outcomes.Add(await validator.ValidateAsync(context, run.CancellationToken).ConfigureAwait(false));
        }

        return ValidationOutcome.Combine(outcomes);
    }

    private string RenderRepairRequest(ValidationOutcome validation)
    {
        var text = new StringBuilder(_options.RepairInstruction);
        foreach (var error in validation.Errors)
        {
            text.Append("\n- ").Append(error.Message);
        }

        return text.ToString();
    }

    /// <summary>The fingerprint of the pipeline as it is now: recomputed only when a versioned component changed.</summary>
    private FingerprintSnapshot CurrentFingerprint()
    {
        var snapshot = Volatile.Read(ref _fingerprint);
        var version = ContentVersion();
        var fallback = _fallbackStrategy?.Fingerprint;
        if (snapshot.Version == version && snapshot.Fallback == fallback)
        {
            return snapshot;
        }

        // The version is read before the text is built, so a change racing with this read is seen by the next run.
        var fresh = ComputeFingerprint(version, fallback);
        Volatile.Write(ref _fingerprint, fresh);
        return fresh;
    }

    /// <summary>Combines the components' versions; a change in any of them changes the combination (up to 64-bit hash collisions).</summary>
    private long ContentVersion()
    {
        var version = 17L;
        foreach (var component in _versioned)
        {
            version = unchecked((version * 1_000_003) ^ component.ContentVersion);
        }

        return version;
    }

    private FingerprintSnapshot ComputeFingerprint(long version, StrategyFingerprint? fallback)
    {
        var fingerprint = new FingerprintBuilder();
        AddToFingerprint(fingerprint, _metadata);
        for (var i = 0; i < _middleware.Count; i++)
        {
            if (_middleware[i] is IFingerprintable)
            {
                fingerprint.AddComponent(string.Create(CultureInfo.InvariantCulture, $"chat-middleware.{i}"), _middleware[i]);
            }
        }

        fingerprint.Add("fallback.strategy", fallback?.Value);
        return new FingerprintSnapshot(version, fallback, fingerprint.CanonicalText, fingerprint.Build());
    }

    private void AddToFingerprint(FingerprintBuilder fingerprint, ChatClientMetadata? metadata)
    {
        fingerprint.Add("pipeline", 1)
            .Add("model.provider", metadata?.ProviderName)
            .Add("model.default", metadata?.DefaultModelId)
            .Add("system", _options.SystemPrompt)
            .Add("instructions", _options.Instructions)
            .Add("output-format", _options.OutputFormat)
            .Add("max-question-length", _options.MaxQuestionLength)
            .Add("max-repair-attempts", _options.MaxRepairAttempts)
            .Add("repair-instruction", _options.RepairInstruction);

        ChatOptionsFingerprint.Add(fingerprint, _options.ChatOptions);

        for (var i = 0; i < _inputValidators.Length; i++)
        {
            fingerprint.AddComponent(string.Create(CultureInfo.InvariantCulture, $"input-validator.{i}"), _inputValidators[i]);
        }

        for (var i = 0; i < _filters.Length; i++)
        {
            fingerprint.AddComponent(string.Create(CultureInfo.InvariantCulture, $"filter.{i}"), _filters[i]);
        }

        FewShotStage.AddToFingerprint(fingerprint, _fewShot);
        RetrievalStage.AddToFingerprint(fingerprint, _retrieval);
        fingerprint.AddComponent("prompt-builder", _promptBuilder);
        for (var i = 0; i < _outputValidators.Length; i++)
        {
            fingerprint.AddComponent(string.Create(CultureInfo.InvariantCulture, $"output-validator.{i}"), _outputValidators[i]);
        }
    }

    /// <summary>A fingerprint with the component version and fallback fingerprint it was computed for.</summary>
    private sealed record FingerprintSnapshot(long Version, StrategyFingerprint? Fallback, string Text, StrategyFingerprint Fingerprint);

    /// <summary>The state of one run: the request as rewritten so far, timings and usage.</summary>
    private sealed class Run(StrategyPipeline pipeline, StrategyRequest request, StrategyFingerprint fingerprint, CancellationToken cancellationToken)
    {
        private readonly long _started = pipeline._timeProvider.GetTimestamp();
        private readonly List<StageTiming> _timings = new(8);
        private readonly UsageDetails _usage = new();
        private ChatResponse? _response;

        public StrategyRequest Request { get; set; } = request;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public BuiltPrompt? Prompt { get; set; }

        public IReadOnlyList<ChatMessage> SentMessages { get; set; } = [];

        public IReadOnlyList<FewShotExample> Examples => Prompt?.IncludedExamples ?? [];

        public IReadOnlyList<RetrievedChunk> Sources => Prompt?.IncludedContext ?? [];

        /// <summary>Runs one stage, timing it and turning a component's exception into a <see cref="StrategyExecutionException"/>.</summary>
        public async Task<T> StageAsync<T>(PipelineStage stage, int attempt, Func<Run, Task<T>> body)
        {
            using var activity = pipeline._telemetry?.ActivitySource.StartActivity(attempt == 0 ? stage.ToString() : $"{stage} #{attempt}");
            var start = pipeline._timeProvider.GetTimestamp();
            try
            {
                return await body(this).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is not StrategyExecutionException)
            {
                activity?.SetStatus(ActivityStatusCode.Error, FailureText.Of(ex));
                throw new StrategyExecutionException(pipeline.Name, stage, ex);
            }
            finally
            {
                var elapsed = pipeline._timeProvider.GetElapsedTime(start);
                lock (_timings)
                {
                    _timings.Add(new StageTiming(stage, elapsed, attempt));
                }
            }
        }

        public void AddResponse(ChatResponse response)
        {
            _response = response ?? throw new StrategyExecutionException(pipeline.Name, PipelineStage.ModelCall, new InvalidOperationException("The chat client returned a null response."));
            if (response.Usage is { } usage)
            {
                _usage.Add(usage);
            }
        }

        public StrategyResult Finish(
            StrategyOutcome outcome,
            string? answer,
            ValidationOutcome? inputValidation = null,
            FilterDecision? refusal = null,
            ValidationOutcome? outputValidation = null,
            int repairAttempts = 0)
        {
            StageTiming[] timings;
            lock (_timings)
            {
                timings = [.. _timings];
            }

            return new StrategyResult
            {
                StrategyName = pipeline.Name,
                Fingerprint = fingerprint,
                Outcome = outcome,
                Answer = answer,
                Request = Request,
                Prompt = Prompt,
                SentMessages = SentMessages,
                Sources = Sources,
                Examples = Examples,
                Usage = _usage,
                Timings = timings,
                Elapsed = pipeline._timeProvider.GetElapsedTime(_started),
                Response = _response,
                InputValidation = inputValidation ?? ValidationOutcome.Valid,
                Refusal = refusal,
                OutputValidation = outputValidation,
                RepairAttempts = repairAttempts,
                ModelId = _response?.ModelId ?? pipeline._options.ChatOptions?.ModelId ?? pipeline._clientModelId,
            };
        }
    }
}
