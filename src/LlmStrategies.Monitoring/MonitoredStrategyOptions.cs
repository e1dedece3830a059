using System.ComponentModel.DataAnnotations;
using LlmStrategies.Monitoring.Drift;
using LlmStrategies.Monitoring.Logging;
using LlmStrategies.Monitoring.OnlineEvaluation;
using Microsoft.Extensions.AI;

namespace LlmStrategies.Monitoring;

/// <summary>What <see cref="MonitoredStrategy"/> does with each call; every part is optional. Validated by a source-generated validator when the strategy is created.</summary>
public sealed class MonitoredStrategyOptions : IValidatableObject
{
    /// <summary>Gets or sets the structured call logger, or <see langword="null"/>.</summary>
    public StrategyCallLogger? Logger { get; set; }

    /// <summary>Gets or sets the JSONL call log (the production log backtesting replays), or <see langword="null"/>.</summary>
    public JsonlCallLog? CallLog { get; set; }

    /// <summary>Gets or sets the drift monitor fed with every call, or <see langword="null"/>.</summary>
    public DriftMonitor? Drift { get; set; }

    /// <summary>Gets or sets what reads an output label (for example a predicted class) from a result for drift, or <see langword="null"/>.</summary>
    public Func<StrategyResult, string?>? OutputLabel { get; set; }

    /// <summary>Gets or sets the embedding generator used to watch the inputs' embedding centroid (for example the local model), or <see langword="null"/>.</summary>
    public IEmbeddingGenerator<string, Embedding<float>>? DriftEmbeddings { get; set; }

    /// <summary>Gets or sets the online evaluator that receives a sample of calls, or <see langword="null"/>.</summary>
    public OnlineEvaluator? OnlineEvaluation { get; set; }

    /// <inheritdoc/>
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (Drift is null && (DriftEmbeddings is not null || OutputLabel is not null))
        {
            yield return new ValidationResult(
                "MonitoredStrategyOptions.DriftEmbeddings and OutputLabel feed the drift monitor, but Drift is null; set Drift to a DriftMonitor, or leave them unset.",
                [nameof(Drift)]);
        }
    }
}
