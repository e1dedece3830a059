namespace LlmStrategies.Postgres.Experiments;

/// <summary>A strategy configuration chosen by tuning on a dataset's train/dev split, stored so that it can be deployed and re-checked.</summary>
/// <param name="Strategy">The strategy's name.</param>
/// <param name="DatasetName">The dataset it was tuned on.</param>
/// <param name="Fingerprint">The tuned strategy's fingerprint.</param>
/// <param name="SettingsJson">The chosen settings, as a JSON object (for example method, weights, top-k).</param>
/// <param name="DevScore">The score on the dev split that chose it, or <see langword="null"/>.</param>
/// <param name="RunId">The history run that evaluated it, or <see langword="null"/>.</param>
public sealed record TunedConfiguration(string Strategy, string DatasetName, string Fingerprint, string SettingsJson, double? DevScore = null, long? RunId = null)
{
    /// <summary>Gets the configuration's id in the history (0 until stored).</summary>
    public long ConfigurationId { get; init; }

    /// <summary>Gets when it was stored.</summary>
    public DateTimeOffset RecordedAt { get; init; }
}
