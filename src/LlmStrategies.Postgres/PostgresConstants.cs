namespace LlmStrategies.Postgres;

/// <summary>Defaults and limits of the PostgreSQL package.</summary>
internal static class PostgresConstants
{
    public const string DefaultSchema = "llmstrategies";

    /// <summary>The oldest pgvector with HNSW indexes (0.5.0).</summary>
    public static readonly Version MinimumPgvector = new(0, 5, 0);

    /// <summary>The first pgvector with iterative index scans, which keep filtered HNSW searches from returning too few rows (0.8.0).</summary>
    public static readonly Version IterativeScanPgvector = new(0, 8, 0);

    /// <summary>What a user reads when pgvector is missing from the server.</summary>
    public const string InstallPgvector =
        "Install pgvector 0.5 or later on the server (Debian/Ubuntu: apt install postgresql-NN-pgvector; macOS: brew install pgvector; " +
        "containers: the pgvector/pgvector image; this repository: tools/postgres.sh start)";
}
