using LlmStrategies.FewShot;
using LlmStrategies.Prompting;
using LlmStrategies.Retrieval;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace LlmStrategies.Pipeline;

/// <summary>
/// Assembles a <see cref="StrategyPipeline"/>: input validation → filtering → few-shot selection and retrieval
/// (concurrently) → prompt building → model call → output validation with bounded repair → result.
/// </summary>
/// <example>
/// <code>
/// var pipeline = new StrategyPipelineBuilder("rag", chatClient)
///     .UseRetrievalAugmentation(retriever, top: 5)
///     .AddOutputValidator(new CitationOutputValidator())
///     .Build();
/// var result = await pipeline.RunAsync(new StrategyRequest("How long is the warranty?"));
/// </code>
/// </example>
public sealed class StrategyPipelineBuilder
{
    private readonly List<IInputValidator> _inputValidators = [];
    private readonly List<IRequestFilter> _filters = [];
    private readonly List<IOutputValidator> _outputValidators = [];
    private IFewShotSelector? _selector;
    private IRetriever? _retriever;
    private IPromptBuilder? _promptBuilder;
    private readonly List<Func<IChatClient, IChatClient>> _chatMiddleware = [];
    private TimeProvider _timeProvider = TimeProvider.System;
    private IStrategy? _fallbackStrategy;
    private StrategyTelemetry? _telemetry;

    /// <summary>Creates a builder.</summary>
    /// <param name="name">The strategy's name, unique within an experiment.</param>
    /// <param name="chatClient">The model.</param>
    /// <param name="defaults">Settings to start from (copied), or <see langword="null"/> for the documented defaults.</param>
    public StrategyPipelineBuilder(string name, IChatClient chatClient, StrategyPipelineOptions? defaults = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(chatClient);
        Name = name;
        ChatClient = chatClient;
        if (defaults is not null)
        {
            Options.CopyFrom(defaults);
        }
    }

    /// <summary>Gets the strategy's name.</summary>
    public string Name { get; }

    /// <summary>Gets the model.</summary>
    public IChatClient ChatClient { get; }

    /// <summary>Gets the settings, to adjust before <see cref="Build"/>.</summary>
    public StrategyPipelineOptions Options { get; } = new();

    /// <summary>Adjusts the settings.</summary>
    /// <param name="configure">The adjustment.</param>
    /// <returns>This builder.</returns>
    public StrategyPipelineBuilder Configure(Action<StrategyPipelineOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Options);
        return this;
    }

    /// <summary>Adds an input validator; validators run in the order added, after the built-in empty and length checks.</summary>
    /// <param name="validator">The validator.</param>
    /// <returns>This builder.</returns>
    public StrategyPipelineBuilder AddInputValidator(IInputValidator validator)
    {
        ArgumentNullException.ThrowIfNull(validator);
        _inputValidators.Add(validator);
        return this;
    }

    /// <summary>Adds a filter; filters run in the order added, and the first refusal stops the pipeline.</summary>
    /// <param name="filter">The filter.</param>
    /// <returns>This builder.</returns>
    public StrategyPipelineBuilder AddFilter(IRequestFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        _filters.Add(filter);
        return this;
    }

    /// <summary>Selects few-shot examples for every request.</summary>
    /// <param name="selector">The selector.</param>
    /// <param name="count">How many examples; <see langword="null"/> keeps <see cref="StrategyPipelineOptions.FewShotCount"/>.</param>
    /// <returns>This builder.</returns>
    public StrategyPipelineBuilder UseFewShot(IFewShotSelector selector, int? count = null)
    {
        ArgumentNullException.ThrowIfNull(selector);
        _selector = selector;
        if (count is { } c)
        {
            Options.FewShotCount = c;
        }

        return this;
    }

    /// <summary>Retrieves context for every request and puts it into the prompt with citation markers.</summary>
    /// <param name="retriever">The retriever.</param>
    /// <param name="top">How many chunks; <see langword="null"/> keeps <see cref="StrategyPipelineOptions.RetrievalTop"/>.</param>
    /// <returns>This builder.</returns>
    public StrategyPipelineBuilder UseRetrievalAugmentation(IRetriever retriever, int? top = null)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        _retriever = retriever;
        if (top is { } t)
        {
            Options.RetrievalTop = t;
        }

        return this;
    }

    /// <summary>Replaces the prompt builder (default: <see cref="SectionedPromptBuilder"/>).</summary>
    /// <param name="promptBuilder">The prompt builder.</param>
    /// <returns>This builder.</returns>
    public StrategyPipelineBuilder UsePromptBuilder(IPromptBuilder promptBuilder)
    {
        ArgumentNullException.ThrowIfNull(promptBuilder);
        _promptBuilder = promptBuilder;
        return this;
    }

    /// <summary>Adds an output validator; all validators run on every answer and their errors are combined.</summary>
    /// <param name="validator">The validator.</param>
    /// <returns>This builder.</returns>
    public StrategyPipelineBuilder AddOutputValidator(IOutputValidator validator)
    {
        ArgumentNullException.ThrowIfNull(validator);
        _outputValidators.Add(validator);
        return this;
    }

    /// <summary>
    /// Asks for structured output: adds the type's JSON schema as output-format instructions, sets the response format for
    /// providers that enforce schemas, and validates (and repairs) answers that do not deserialise into the type.
    /// </summary>
    /// <param name="output">The structured output, from <see cref="StructuredOutput.For{T}(System.Text.Json.Serialization.Metadata.JsonTypeInfo{T})"/>.</param>
    /// <returns>This builder.</returns>
    public StrategyPipelineBuilder UseStructuredOutput(StructuredOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Options.OutputFormat = output.Instructions;
        Options.ChatOptions ??= new ChatOptions();
        Options.ChatOptions.ResponseFormat = output.ResponseFormat;
        return AddOutputValidator(output.CreateValidator());
    }

    /// <summary>
    /// Wraps the model in chat-client middleware (for example <c>UseResilience</c> from LlmStrategies.Resilience, a cache
    /// or telemetry). Middleware added first is outermost, as in <see cref="ChatClientBuilder"/>.
    /// </summary>
    /// <param name="middleware">Creates the wrapping client from the inner one.</param>
    /// <returns>This builder.</returns>
    /// <remarks>
    /// A middleware client that implements <see cref="IFingerprintable"/> (for example one that can answer from a
    /// fallback model) adds its settings to the strategy's fingerprint; others do not change it.
    /// </remarks>
    public StrategyPipelineBuilder UseChatClientMiddleware(Func<IChatClient, IChatClient> middleware)
    {
        ArgumentNullException.ThrowIfNull(middleware);
        _chatMiddleware.Add(middleware);
        return this;
    }

    /// <summary>
    /// Answers with <paramref name="fallback"/> (for example a RAG-only or cheaper strategy) when this strategy fails with a
    /// <see cref="StrategyExecutionException"/>; the result names the fallback strategy and says why in
    /// <see cref="StrategyResult.FallbackReason"/>. Cancellation is never turned into a fallback.
    /// </summary>
    /// <param name="fallback">The strategy to fall back to.</param>
    /// <returns>This builder.</returns>
    public StrategyPipelineBuilder WithFallbackStrategy(IStrategy fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        _fallbackStrategy = fallback;
        return this;
    }

    /// <summary>Emits spans and metrics for every run and stage (see <see cref="StrategyTelemetry"/>).</summary>
    /// <param name="telemetry">The instruments, shared by the pipelines of an application.</param>
    /// <returns>This builder.</returns>
    public StrategyPipelineBuilder UseTelemetry(StrategyTelemetry telemetry)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        _telemetry = telemetry;
        return this;
    }

    /// <summary>Sets the clock used to measure stage latencies (default <see cref="TimeProvider.System"/>).</summary>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>This builder.</returns>
    public StrategyPipelineBuilder UseTimeProvider(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        return this;
    }

    /// <summary>Validates the settings and builds the pipeline. The builder can be changed and built again afterwards.</summary>
    /// <returns>The pipeline.</returns>
    /// <exception cref="OptionsValidationException">A setting is out of range; the message names it.</exception>
    public StrategyPipeline Build()
    {
        var validation = new StrategyPipelineOptionsValidator().Validate(Name, Options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Name, typeof(StrategyPipelineOptions), validation.Failures);
        }

        var options = new StrategyPipelineOptions();
        options.CopyFrom(Options);
        // Innermost first: the middleware added last wraps the model directly.
        var chatClient = ChatClient;
        var layers = new List<IChatClient>(_chatMiddleware.Count);
        for (var i = _chatMiddleware.Count - 1; i >= 0; i--)
        {
            chatClient = _chatMiddleware[i](chatClient)
                ?? throw new InvalidOperationException($"Chat-client middleware #{i} of strategy '{Name}' returned null; return the wrapping client (or the inner one unchanged).");
            layers.Insert(0, chatClient);
        }

        return new StrategyPipeline(
            Name,
            chatClient,
            options,
            [.. _inputValidators],
            [.. _filters],
            _selector is null ? null : new FewShotStage(_selector, options.FewShotCount),
            _retriever is null ? null : new RetrievalStage(_retriever, options.RetrievalTop),
            _promptBuilder ?? new SectionedPromptBuilder(),
            [.. _outputValidators],
            _timeProvider,
            layers,
            _fallbackStrategy,
            _telemetry);
    }
}
