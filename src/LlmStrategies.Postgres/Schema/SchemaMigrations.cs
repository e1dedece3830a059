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
        new(2, "experiment history", s => $"""
            CREATE TABLE {s}.experiment_runs (
                run_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                name text NOT NULL,
                dataset_name text NOT NULL,
                dataset_fingerprint text NOT NULL,
                completed_at timestamptz NOT NULL,
                recorded_at timestamptz NOT NULL,
                accepted_at timestamptz,
                report jsonb NOT NULL);
            CREATE TABLE {s}.experiment_strategies (
                run_id bigint NOT NULL REFERENCES {s}.experiment_runs (run_id) ON DELETE CASCADE,
                strategy text NOT NULL,
                fingerprint text NOT NULL,
                model text,
                PRIMARY KEY (run_id, strategy));
            CREATE INDEX experiment_strategies_by_name ON {s}.experiment_strategies (strategy, run_id);
            CREATE INDEX experiment_runs_by_dataset ON {s}.experiment_runs (dataset_name, completed_at);
            CREATE TABLE {s}.experiment_records (
                run_id bigint NOT NULL REFERENCES {s}.experiment_runs (run_id) ON DELETE CASCADE,
                strategy text NOT NULL,
                item_id text NOT NULL,
                repeat integer NOT NULL,
                record jsonb NOT NULL,
                PRIMARY KEY (run_id, strategy, item_id, repeat));
            CREATE TABLE {s}.tuned_configurations (
                configuration_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                strategy text NOT NULL,
                dataset_name text NOT NULL,
                fingerprint text NOT NULL,
                settings jsonb NOT NULL,
                dev_score double precision,
                run_id bigint REFERENCES {s}.experiment_runs (run_id) ON DELETE SET NULL,
                recorded_at timestamptz NOT NULL);
            CREATE INDEX tuned_configurations_by_strategy ON {s}.tuned_configurations (strategy, dataset_name, recorded_at);
            """),
        new(3, "production call log", s => $"""
            CREATE TABLE {s}.call_log (
                log text NOT NULL,
                id text NOT NULL,
                logged_at timestamptz NOT NULL,
                strategy text NOT NULL,
                fingerprint text NOT NULL,
                outcome text NOT NULL,
                input text NOT NULL,
                output text NOT NULL,
                model text,
                latency_ms double precision NOT NULL,
                input_tokens bigint,
                cached_input_tokens bigint,
                output_tokens bigint,
                sources text[] NOT NULL,
                PRIMARY KEY (log, id));
            CREATE INDEX call_log_by_time ON {s}.call_log (log, logged_at);
            """),
    ];

    public static int Latest => All[^1].Version;
}
