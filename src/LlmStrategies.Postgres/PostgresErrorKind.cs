namespace LlmStrategies.Postgres;

/// <summary>What went wrong, for a <see cref="PostgresStoreException"/>.</summary>
public enum PostgresErrorKind
{
    /// <summary>The server could not be reached (refused, unknown host, timed out) even after the retries.</summary>
    ServerUnreachable,

    /// <summary>The pgvector extension is not installed on the server, is too old, or may not be created in the database by this user.</summary>
    ExtensionMissing,

    /// <summary>The library's schema has not been created, or is older than this library; run the migrations.</summary>
    SchemaNotMigrated,

    /// <summary>The database's schema is newer than this library; upgrade the package.</summary>
    SchemaTooNew,

    /// <summary>Embeddings of one dimension were given to a collection of another.</summary>
    DimensionMismatch,

    /// <summary>A collection exists with other settings (distance, text-search configuration) than those asked for, or does not exist.</summary>
    CollectionMismatch,

    /// <summary>An approximate search was asked for, but the collection has no HNSW index.</summary>
    IndexMissing,
}
