namespace LlmStrategies.Pipeline;

/// <summary>Copies of strategy results with one property changed (results are immutable).</summary>
internal static class StrategyResultCopies
{
    public static StrategyResult WithFallbackReason(this StrategyResult result, string reason) => new()
    {
        StrategyName = result.StrategyName,
        Fingerprint = result.Fingerprint,
        Outcome = result.Outcome,
        Answer = result.Answer,
        Request = result.Request,
        Prompt = result.Prompt,
        SentMessages = result.SentMessages,
        Sources = result.Sources,
        Examples = result.Examples,
        Usage = result.Usage,
        Timings = result.Timings,
        Elapsed = result.Elapsed,
        InputValidation = result.InputValidation,
        Refusal = result.Refusal,
        OutputValidation = result.OutputValidation,
        RepairAttempts = result.RepairAttempts,
        Response = result.Response,
        ModelId = result.ModelId,
        FallbackReason = reason,
    };
}
