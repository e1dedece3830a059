namespace LlmStrategies.Postgres.Schema;

/// <summary>
/// The library's schema, as the ordered list of migrations that build it. Released migrations are never edited: a
/// change is a new migration with the next version. Collection tables (one per chunk collection, sized to its
/// embedding dimension) are created by <see cref="Retrieval.PostgresChunkStore"/>, not here.
/// </summary>
internal static class SchemaMigrations
{
    public static IReadOnlyList<SchemaMigration> All { get; } =
    [
        new(1, "chunk collections and the few-shot example store", s => $"""
            CREATE TABLE {s}.chunk_collections (
                name text COLLATE "C" PRIMARY KEY,
                dimension integer NOT NULL CHECK (dimension > 0),
                distance text NOT NULL,
                text_search_config regconfig NOT NULL,
                chunk_count bigint NOT NULL DEFAULT 0,
                content_sum numeric(20, 0) NOT NULL DEFAULT 0,
                created_at timestamptz NOT NULL DEFAULT now());
            CREATE TABLE {s}.few_shot_stores (
                store text COLLATE "C" PRIMARY KEY,
                version bigint NOT NULL);
            CREATE TABLE {s}.few_shot_examples (
                store text COLLATE "C" NOT NULL REFERENCES {s}.few_shot_stores (store) ON DELETE CASCADE,
                id text COLLATE "C" NOT NULL,
                input text NOT NULL,
                output text NOT NULL,
                label text,
                tags text[] NOT NULL,
                metadata jsonb NOT NULL,
                row_version bigint NOT NULL,
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (store, id));
            CREATE INDEX few_shot_examples_metadata ON {s}.few_shot_examples USING gin (metadata jsonb_path_ops);
            """),
    ];

    public static int Latest => All[^1].Version;
}
