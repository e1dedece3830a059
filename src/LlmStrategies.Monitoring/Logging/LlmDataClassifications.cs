using Microsoft.Extensions.Compliance.Classification;

namespace LlmStrategies.Monitoring.Logging;

/// <summary>The data classifications this library uses with Microsoft.Extensions.Compliance redaction.</summary>
public static class LlmDataClassifications
{
    /// <summary>The taxonomy name.</summary>
    public const string TaxonomyName = "LlmStrategies";

    /// <summary>Gets the classification of prompt and answer text: free text that may hold personal data or secrets.</summary>
    public static DataClassification PromptContent { get; } = new(TaxonomyName, "PromptContent");
}
