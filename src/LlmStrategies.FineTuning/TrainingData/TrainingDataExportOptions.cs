using System.ComponentModel.DataAnnotations;
using LlmStrategies.FewShot;

namespace LlmStrategies.FineTuning.TrainingData;

/// <summary>Options for <see cref="TrainingDataExporter"/>. Validated by a source-generated validator when an exporter is created.</summary>
public sealed class TrainingDataExportOptions
{
    /// <summary>
    /// Gets or sets the system message written before every example, or <see langword="null"/> for none. Use the same
    /// system prompt the fine-tuned model will be called with: the model learns the behaviour under that prompt.
    /// </summary>
    public string? SystemPrompt { get; set; }

    /// <summary>
    /// Gets or sets the guard that decides whether a training input is a test input (identical or nearly identical
    /// after normalisation). Default: <c>new LeakageGuard(0.9)</c>, the guard few-shot selection uses.
    /// </summary>
    [Required(ErrorMessage = "TrainingDataExportOptions.LeakageGuard must be set; use new LeakageGuard(1.0) to block exact duplicates only.")]
    public LeakageGuard LeakageGuard { get; set; } = new();

    /// <summary>
    /// Gets or sets a value indicating whether training examples that match a test input are left out and reported
    /// (<see langword="true"/>) instead of failing the export with a <see cref="TrainingDataLeakageException"/>
    /// (<see langword="false"/>, the default: a leak usually means the split itself is wrong).
    /// </summary>
    public bool ExcludeLeakedExamples { get; set; }
}
