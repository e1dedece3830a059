using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.AI.Evaluation;

namespace LlmStrategies.Monitoring.OnlineEvaluation;

/// <summary>Settings of <see cref="OnlineEvaluator"/>. Validated by a source-generated validator when the evaluator is created.</summary>
public sealed class OnlineEvaluationOptions
{
    /// <summary>Gets or sets the evaluators run on sampled calls (the same <see cref="IEvaluator"/>s used offline).</summary>
    [Required(ErrorMessage = "OnlineEvaluationOptions.Evaluators must not be null; give the evaluators to run on sampled calls (an empty list evaluates nothing).")]
    public IReadOnlyList<IEvaluator> Evaluators { get; set; } = [];

    /// <summary>Gets or sets the share of calls evaluated, in [0, 1]. Default 0.1.</summary>
    [ValueRange(0.0, 1.0, ErrorMessage = "OnlineEvaluationOptions.SampleRate must be a share of calls between 0 and 1, for example 0.1.")]
    public double SampleRate { get; set; } = 0.1;

    /// <summary>Gets or sets the sampling seed, for reproducible sampling. Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>Gets or sets how many sampled calls may wait for evaluation; further ones are dropped and counted. Default 1,000.</summary>
    [ValueRange(1, int.MaxValue, ErrorMessage = "OnlineEvaluationOptions.QueueCapacity must be at least 1 call.")]
    public int QueueCapacity { get; set; } = 1_000;

    /// <summary>Gets or sets the chat configuration passed to evaluators that need a model (LLM-as-judge), or <see langword="null"/>.</summary>
    public ChatConfiguration? ChatConfiguration { get; set; }
}
