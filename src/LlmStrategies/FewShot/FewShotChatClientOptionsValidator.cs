using Microsoft.Extensions.Options;

namespace LlmStrategies.FewShot;

/// <summary>Validates <see cref="FewShotChatClientOptions"/> from its data annotations (source-generated, trimming-safe).</summary>
[OptionsValidator]
internal sealed partial class FewShotChatClientOptionsValidator : IValidateOptions<FewShotChatClientOptions>
{
}
