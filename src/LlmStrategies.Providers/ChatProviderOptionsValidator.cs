using Microsoft.Extensions.Options;

namespace LlmStrategies.Providers;

/// <summary>Validates <see cref="ChatProviderOptions"/> from its data annotations and cross-field rules (source-generated, trimming-safe), naming each setting by its configuration key.</summary>
[OptionsValidator]
internal sealed partial class ChatProviderOptionsValidator : IValidateOptions<ChatProviderOptions>
{
}
