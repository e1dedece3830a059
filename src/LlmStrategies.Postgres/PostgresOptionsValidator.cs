using Microsoft.Extensions.Options;

namespace LlmStrategies.Postgres;

/// <summary>Validates <see cref="PostgresOptions"/> from its data annotations (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class PostgresOptionsValidator : IValidateOptions<PostgresOptions>
{
}
