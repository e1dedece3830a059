namespace LlmStrategies.Postgres.Schema;

/// <summary>One step of the library's schema: a version, a name for the history table, and the DDL (given the schema name).</summary>
internal sealed record SchemaMigration(int Version, string Name, Func<string, string> Sql);
