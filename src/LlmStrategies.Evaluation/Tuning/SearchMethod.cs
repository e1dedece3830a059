namespace LlmStrategies.Tuning;

/// <summary>How <see cref="StrategyTuner"/> chooses which configurations to score.</summary>
public enum SearchMethod
{
    /// <summary>Every candidate on the whole dev split.</summary>
    Grid,

    /// <summary><see cref="TuningOptions.SampleSize"/> distinct grid points drawn with the seed, each on the whole dev split.</summary>
    Random,

    /// <summary>
    /// Successive halving (Jamieson and Talwalkar, 2016): every candidate on a small seeded sample of dev, the best
    /// 1/<see cref="TuningOptions.HalvingFactor"/> kept, the sample grown by that factor, until the survivors are scored
    /// on the whole dev split. Samples are nested, so an item scored in one round is reused (from the response cache) in
    /// the next. The budget goes to the promising candidates; the price is that a candidate that starts badly on a
    /// small sample is dropped for good.
    /// </summary>
    SuccessiveHalving,
}
