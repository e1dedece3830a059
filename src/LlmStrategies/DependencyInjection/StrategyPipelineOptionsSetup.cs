using LlmStrategies.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LlmStrategies.DependencyInjection;

/// <summary>Where strategy settings come from in configuration: the <c>LlmStrategies</c> section, when <c>AddLlmStrategies(configuration)</c> gave one.</summary>
internal sealed class StrategyConfiguration(IConfigurationSection section)
{
    public const string SectionName = "LlmStrategies";

    public IConfigurationSection Section { get; } = section;

    public IConfigurationSection Defaults => Section.GetSection("Defaults");

    public IConfigurationSection Strategies => Section.GetSection("Strategies");
}

/// <summary>The names given to <c>AddStrategyPipeline</c>, so that start-up validation can tell a strategy section that names no strategy.</summary>
internal sealed class RegisteredStrategyNames
{
    public HashSet<string> Names { get; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Sets up each strategy's named <see cref="StrategyPipelineOptions"/>: a copy of the defaults (the unnamed options), then
/// the keys of <c>LlmStrategies:Strategies:&lt;name&gt;</c> on top.
/// </summary>
internal sealed class StrategyPipelineOptionsSetup(IServiceProvider services) : IConfigureNamedOptions<StrategyPipelineOptions>
{
    public void Configure(StrategyPipelineOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, StrategyPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(name))
        {
            return; // the defaults are configured by AddLlmStrategies
        }

        if (services.GetService(typeof(IOptions<StrategyPipelineOptions>)) is IOptions<StrategyPipelineOptions> defaults)
        {
            options.CopyFrom(defaults.Value);
        }

        if (services.GetService(typeof(StrategyConfiguration)) is StrategyConfiguration configuration)
        {
            StrategyPipelineSettings.Apply(configuration.Strategies.GetSection(name), options);
        }
    }
}

/// <summary>
/// Validates every strategy's options with the source-generated <see cref="StrategyPipelineOptionsValidator"/>, naming
/// the strategy and its configuration section in each failure.
/// </summary>
internal sealed class StrategyPipelineOptionsValidation : IValidateOptions<StrategyPipelineOptions>
{
    private readonly StrategyPipelineOptionsValidator _validator = new();

    public ValidateOptionsResult Validate(string? name, StrategyPipelineOptions options)
    {
        var result = _validator.Validate(name, options);
        if (!result.Failed || string.IsNullOrEmpty(name))
        {
            return result;
        }

        return ValidateOptionsResult.Fail(result.Failures.Select(f => $"Strategy '{name}' ({StrategyConfiguration.SectionName}:Strategies:{name}): {f}"));
    }
}

/// <summary>
/// What <see cref="StrategySectionsValidation"/> checks on start: nothing to configure, it only gives that check its own
/// options name, so that a misspelt strategy section is reported once, and not again by every strategy whose options
/// start from the defaults.
/// </summary>
internal sealed class StrategySections;

/// <summary>
/// Checks on start that every section under <c>LlmStrategies:Strategies</c> names a registered strategy (a misspelt
/// name would otherwise be ignored, and that strategy would silently run with the defaults).
/// </summary>
internal sealed class StrategySectionsValidation(IServiceProvider services) : IValidateOptions<StrategySections>
{
    public ValidateOptionsResult Validate(string? name, StrategySections options)
    {
        var failures = UnknownStrategySections().ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private IEnumerable<string> UnknownStrategySections()
    {
        if (services.GetService(typeof(StrategyConfiguration)) is not StrategyConfiguration configuration)
        {
            yield break;
        }

        var names = (services.GetService(typeof(RegisteredStrategyNames)) as RegisteredStrategyNames)?.Names ?? [];
        foreach (var section in configuration.Strategies.GetChildren())
        {
            if (!names.Contains(section.Key))
            {
                yield return $"{section.Path} configures a strategy named '{section.Key}', but no strategy of that name is registered (registered: {(names.Count == 0 ? "none" : string.Join(", ", names.Order(StringComparer.Ordinal)))}); correct the name or remove the section.";
            }
        }
    }
}
