namespace LlmStrategies.Postgres.FewShot;

/// <summary>An example with its row version: the number every write of that example increments, for optimistic concurrency.</summary>
/// <param name="Example">The example.</param>
/// <param name="RowVersion">Its row version (1 when first written).</param>
public readonly record struct VersionedExample(FewShotExample Example, long RowVersion);
