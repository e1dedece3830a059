using Microsoft.Extensions.Options;

namespace LlmStrategies.Postgres.DependencyInjection;

/// <summary>Validates options with the checks their consumer makes at construction, so that a bad setting fails when the host starts.</summary>
internal sealed class OptionsCheck<TOptions>(Action<TOptions> check) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        try
        {
            check(options);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail(ex.Message);
        }
    }
}
