namespace LlmStrategies.Tuning;

/// <summary>How <see cref="ModelStrategyGridReport"/> summarises a grid, and which model-switch questions it answers.</summary>
public sealed class GridReportOptions
{
    /// <summary>Gets or sets the report's name. Default "model × strategy grid".</summary>
    public string Name { get; set; } = "model × strategy grid";

    /// <summary>Gets or sets the quality metric of the pivot (higher is better). Required.</summary>
    public string Metric { get; set; } = string.Empty;

    /// <summary>Gets the questions to answer: does a challenger model, with any strategy, match an incumbent cell?</summary>
    public IList<ModelSwitchQuestion> Questions { get; } = [];

    /// <summary>Gets or sets the confidence level. Default 0.95.</summary>
    public double ConfidenceLevel { get; set; } = 0.95;

    /// <summary>Gets or sets the significance level. Default 0.05.</summary>
    public double Alpha { get; set; } = 0.05;

    /// <summary>Gets or sets the bootstrap resamples and permutations. Default 10,000.</summary>
    public int Resamples { get; set; } = 10_000;

    /// <summary>Gets or sets the statistics' seed. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Gets or sets the clock of the report's time stamp; default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }
}

/// <summary>
/// The question the practice asks when a model ships: does <paramref name="ChallengerModel"/> with some strategy do as well
/// as <paramref name="IncumbentStrategy"/> on <paramref name="IncumbentModel"/> (the current, perhaps elaborate or
/// fine-tuned, set-up), and at what cost?
/// </summary>
/// <param name="IncumbentStrategy">The strategy in production.</param>
/// <param name="IncumbentModel">The model in production.</param>
/// <param name="ChallengerModel">The new model.</param>
public sealed record ModelSwitchQuestion(string IncumbentStrategy, string IncumbentModel, string ChallengerModel);
