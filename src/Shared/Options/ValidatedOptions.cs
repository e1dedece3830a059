using Microsoft.Extensions.Options;

namespace LlmStrategies;

/// <summary>
/// The one way every options type of this library is checked outside DI: the same source-generated
/// <see cref="IValidateOptions{TOptions}"/> that DI runs on start (<c>ValidateOnStart</c>), throwing the same
/// <see cref="OptionsValidationException"/> whose message names each failing setting.
/// </summary>
internal static class ValidatedOptions
{
    /// <summary>Validates <paramref name="options"/> and returns it, or throws naming every failing setting.</summary>
    public static TOptions ThrowIfInvalid<TOptions>(IValidateOptions<TOptions> validator, TOptions options, string? name = null)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = validator.Validate(name ?? Microsoft.Extensions.Options.Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(name ?? typeof(TOptions).Name, typeof(TOptions), result.Failures);
        }

        return options;
    }
}
