using Microsoft.Extensions.Options;

namespace LlmStrategies.VectorData;

/// <summary>Validates <see cref="VectorStoreRetrieverOptions{TRecord}"/> from its data annotations and cross-field rules (source-generated, trimming-safe).</summary>
/// <typeparam name="TRecord">The collection's record type.</typeparam>
[OptionsValidator]
internal sealed partial class VectorStoreRetrieverOptionsValidator<TRecord> : IValidateOptions<VectorStoreRetrieverOptions<TRecord>>
{
}
