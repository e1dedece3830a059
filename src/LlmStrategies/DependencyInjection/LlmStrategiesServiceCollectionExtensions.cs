using LlmStrategies;
using System.Diagnostics.Metrics;
using LlmStrategies.Baseline;
using LlmStrategies.DependencyInjection;
using LlmStrategies.Pipeline;
using LlmStrategies.Prompting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers LlmStrategies services.</summary>
public static class LlmStrategiesServiceCollectionExtensions
{
    /// <summary>
    /// Registers the defaults every strategy pipeline starts from (<see cref="StrategyPipelineOptions"/>, validated when
    /// the host starts), the default <see cref="IPromptBuilder"/>, <see cref="TimeProvider"/> and
    /// <see cref="StrategyTelemetry"/> (on the host's <see cref="IMeterFactory"/> when there is one, pricing calls with the
    /// registered <see cref="IModelPricing"/> (for example the experiments' <c>PriceTable</c>) when there is one) when none is registered.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the pipeline defaults.</param>
    /// <returns>A builder for further configuration.</returns>
    public static LlmStrategiesBuilder AddLlmStrategies(this IServiceCollection services, Action<StrategyPipelineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<StrategyPipelineOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StrategyPipelineOptions>, StrategyPipelineOptionsValidation>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<StrategyPipelineOptions>, StrategyPipelineOptionsSetup>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IPromptBuilder, SectionedPromptBuilder>();
        services.TryAddSingleton(provider => new StrategyTelemetry(provider.GetService<IMeterFactory>(), provider.GetService<IModelPricing>()));
        return new LlmStrategiesBuilder(services);
    }

    /// <summary>
    /// Registers what <see cref="AddLlmStrategies(IServiceCollection, Action{StrategyPipelineOptions}?)"/> does, with the
    /// settings read from <paramref name="configuration"/>: the defaults from <c>LlmStrategies:Defaults</c> (then
    /// <paramref name="configure"/>), and each strategy registered with <c>AddStrategyPipeline(name, ...)</c> from
    /// <c>LlmStrategies:Strategies:&lt;name&gt;</c> on top of the defaults (named <see cref="StrategyPipelineOptions"/>,
    /// resolvable with <c>IOptionsMonitor&lt;StrategyPipelineOptions&gt;.Get(name)</c>).
    /// </summary>
    /// <remarks>
    /// Keys: <c>SystemPrompt</c>, <c>Instructions</c>, <c>OutputFormat</c>, <c>MaxQuestionLength</c>, <c>MaxRepairAttempts</c>,
    /// <c>FewShotCount</c>, <c>RetrievalTop</c>, <c>RepairInstruction</c> and <c>ChatOptions:ModelId|Temperature|TopP|MaxOutputTokens|Seed</c>.
    /// The host fails to start when any strategy's settings are invalid (the message names the strategy and the
    /// setting), when a key is not one of these, or when a section under <c>LlmStrategies:Strategies</c> names no
    /// registered strategy. Binding is source-generated: trimming- and AOT-safe.
    /// </remarks>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration root (or any section that has an <c>LlmStrategies</c> child).</param>
    /// <param name="configure">Adjusts the defaults after <c>LlmStrategies:Defaults</c> is applied.</param>
    /// <returns>A builder for further configuration.</returns>
    public static LlmStrategiesBuilder AddLlmStrategies(this IServiceCollection services, IConfiguration configuration, Action<StrategyPipelineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var strategyConfiguration = new StrategyConfiguration(configuration.GetSection(StrategyConfiguration.SectionName));
        services.TryAddSingleton(strategyConfiguration);
        services.AddOptions<StrategyPipelineOptions>().Configure(o => StrategyPipelineSettings.Apply(strategyConfiguration.Defaults, o));
        services.AddOptions<StrategySections>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StrategySections>, StrategySectionsValidation>());
        return services.AddLlmStrategies(configure);
    }

    /// <summary>
    /// Registers <see cref="ExtractiveBaselineChatClient"/> as the <see cref="IChatClient"/> when no chat client is
    /// registered yet: the deterministic offline baseline (not a language model).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The service collection.</returns>
    public static IServiceCollection AddBaselineChatClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IChatClient, ExtractiveBaselineChatClient>();
        return services;
    }

    /// <summary>
    /// Registers a named <see cref="StrategyPipeline"/> as a keyed singleton (key = <paramref name="name"/>), also
    /// resolvable as keyed <see cref="IStrategy"/> and among all <see cref="IStrategy"/> services. The builder starts from
    /// the strategy's named <see cref="StrategyPipelineOptions"/> (the registered defaults, then its
    /// <c>LlmStrategies:Strategies:&lt;name&gt;</c> section when <c>AddLlmStrategies(configuration)</c> was used; validated
    /// when the host starts), the registered <see cref="IChatClient"/>,
    /// <see cref="IPromptBuilder"/>, <see cref="StrategyTelemetry"/> and <see cref="TimeProvider"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The strategy's name; also its service key.</param>
    /// <param name="configure">Adds stages to the builder.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="InvalidOperationException">A pipeline with the same name is already registered.</exception>
    public static IServiceCollection AddStrategyPipeline(this IServiceCollection services, string name, Action<IServiceProvider, StrategyPipelineBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        if (services.Any(d => d.ServiceType == typeof(StrategyPipeline) && d.IsKeyedService && Equals(d.ServiceKey, name)))
        {
            throw new InvalidOperationException($"A strategy pipeline named '{name}' is already registered; strategy names must be unique so experiments can tell results apart.");
        }

        RegisterNamedOptions(services, name);

        services.AddKeyedSingleton(name, (provider, _) =>
        {
            var chatClient = provider.GetService<IChatClient>()
                ?? throw new InvalidOperationException($"Strategy pipeline '{name}' needs an IChatClient: register one (services.AddChatClient(...)) or call services.AddBaselineChatClient() for the offline baseline.");
            var builder = new StrategyPipelineBuilder(name, chatClient, provider.GetService<IOptionsMonitor<StrategyPipelineOptions>>()?.Get(name));
            if (provider.GetService<IPromptBuilder>() is { } promptBuilder)
            {
                builder.UsePromptBuilder(promptBuilder);
            }

            if (provider.GetService<StrategyTelemetry>() is { } telemetry)
            {
                builder.UseTelemetry(telemetry);
            }

            if (provider.GetService<TimeProvider>() is { } timeProvider)
            {
                builder.UseTimeProvider(timeProvider);
            }

            configure(provider, builder);
            return builder.Build();
        });
        services.AddKeyedSingleton<IStrategy>(name, (provider, key) => provider.GetRequiredKeyedService<StrategyPipeline>(key));
        services.AddSingleton<IStrategy>(provider => provider.GetRequiredKeyedService<StrategyPipeline>(name));
        return services;
    }

    /// <summary>The strategy's named options (the defaults, then its configuration section), validated when the host starts.</summary>
    private static void RegisterNamedOptions(IServiceCollection services, string name)
    {
        var names = services.FirstOrDefault(d => d.ServiceType == typeof(RegisteredStrategyNames))?.ImplementationInstance as RegisteredStrategyNames;
        if (names is null)
        {
            names = new RegisteredStrategyNames();
            services.AddSingleton(names);
        }

        names.Names.Add(name);
        services.AddOptions<StrategyPipelineOptions>(name).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StrategyPipelineOptions>, StrategyPipelineOptionsValidation>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<StrategyPipelineOptions>, StrategyPipelineOptionsSetup>());
    }
}
