using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LlmStrategies.Postgres.Retrieval;
using Npgsql;

namespace LlmStrategies.Postgres.Tests;

public class PostgresDatabaseTests
{
    [Test]
    public async Task Migrate_CreatesTheSchemaOnce_AndReportsItsVersion()
    {
        await using var database = new PostgresDatabase(PostgresServer.FreshSchema(migrateOnStart: false));

        var before = await database.GetSchemaVersionAsync();
        var first = await database.MigrateAsync();
        var second = await database.MigrateAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(before, Is.Zero);
            Assert.That(first, Is.EqualTo(PostgresDatabase.CurrentSchemaVersion));
            Assert.That(second, Is.Zero, "a second migration finds nothing to do");
            Assert.That(await database.GetSchemaVersionAsync(), Is.EqualTo(PostgresDatabase.CurrentSchemaVersion));
        });
    }

    [Test]
    public async Task Migrate_FromSeveralProcessesAtOnce_AppliesEachMigrationOnce()
    {
        var options = PostgresServer.FreshSchema(migrateOnStart: false);
        var databases = Enumerable.Range(0, 4).Select(_ => new PostgresDatabase(options)).ToArray();
        try
        {
            var applied = await Task.WhenAll(databases.Select(d => d.MigrateAsync()));

            Assert.That(applied.Sum(), Is.EqualTo(PostgresDatabase.CurrentSchemaVersion), "the advisory lock lets one caller apply them and the others find them applied");
        }
        finally
        {
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task FirstUse_WithoutMigration_FailsNamingTheFix()
    {
        await using var database = new PostgresDatabase(PostgresServer.FreshSchema(migrateOnStart: false));

        var error = Assert.ThrowsAsync<PostgresStoreException>(() => PostgresChunkStore.CreateOrOpenAsync(database, "docs", 4));

        Assert.Multiple(() =>
        {
            Assert.That(error!.Kind, Is.EqualTo(PostgresErrorKind.SchemaNotMigrated));
            Assert.That(error.Message, Does.Contain("MigrateAsync()").And.Contain("MigrateOnStart"));
        });
    }

    [Test]
    public async Task FirstUse_WithMigrateOnStart_CreatesTheSchema()
    {
        await using var database = new PostgresDatabase(PostgresServer.FreshSchema(migrateOnStart: true));

        var store = await PostgresChunkStore.CreateOrOpenAsync(database, "docs", 4);

        Assert.That(await database.GetSchemaVersionAsync(), Is.EqualTo(PostgresDatabase.CurrentSchemaVersion));
        Assert.That(await store.CountAsync(), Is.Zero);
    }

    [Test]
    public async Task ASchemaNewerThanTheLibrary_FailsNamingTheUpgrade()
    {
        var options = PostgresServer.FreshSchema(migrateOnStart: false);
        await using (var setup = new PostgresDatabase(options))
        {
            await setup.MigrateAsync();
            await PostgresServer.ExecuteAsync(PostgresServer.ConnectionString, $"INSERT INTO {options.Schema}.schema_migrations (version, name) VALUES (999, 'from the future')");
        }

        await using var database = new PostgresDatabase(options);
        var error = Assert.ThrowsAsync<PostgresStoreException>(() => PostgresChunkStore.CreateOrOpenAsync(database, "docs", 4));
        var migrate = Assert.ThrowsAsync<PostgresStoreException>(() => database.MigrateAsync());

        Assert.Multiple(() =>
        {
            Assert.That(error!.Kind, Is.EqualTo(PostgresErrorKind.SchemaTooNew));
            Assert.That(error.Message, Does.Contain("999").And.Contain("Upgrade the LlmStrategies.Postgres package"));
            Assert.That(migrate!.Kind, Is.EqualTo(PostgresErrorKind.SchemaTooNew));
        });
    }

    [Test]
    public async Task MissingPgvector_ThatTheUserMayNotCreate_FailsNamingTheFix()
    {
        // A database without the extension, and a user who is not a superuser: CREATE EXTENSION vector is forbidden to them.
        var suffix = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}_{Environment.TickCount64 % 100_000}");
        var databaseName = "llmstrategies_novector_" + suffix;
        var role = "llmstrategies_app_" + suffix;
        await PostgresServer.ExecuteAsync(PostgresServer.AdminConnectionString, $"CREATE ROLE {role} LOGIN");
        await PostgresServer.ExecuteAsync(PostgresServer.AdminConnectionString, $"CREATE DATABASE {databaseName} OWNER {role}");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(PostgresServer.AdminConnectionString) { Database = databaseName, Username = role, Pooling = false }.ConnectionString;
            await using var database = new PostgresDatabase(new PostgresOptions { ConnectionString = connectionString, MigrateOnStart = true });

            var migrate = Assert.ThrowsAsync<PostgresStoreException>(() => database.MigrateAsync());
            var use = Assert.ThrowsAsync<PostgresStoreException>(() => PostgresChunkStore.CreateOrOpenAsync(database, "docs", 4));

            Assert.Multiple(() =>
            {
                Assert.That(migrate!.Kind, Is.EqualTo(PostgresErrorKind.ExtensionMissing));
                Assert.That(migrate.Message, Does.Contain("CREATE EXTENSION vector").And.Contain(databaseName).And.Contain(role).And.Contain("pgvector 0.5"));
                Assert.That(use!.Kind, Is.EqualTo(PostgresErrorKind.ExtensionMissing));
            });
        }
        finally
        {
            await PostgresServer.ExecuteAsync(PostgresServer.AdminConnectionString, $"DROP DATABASE IF EXISTS {databaseName} WITH (FORCE)");
            await PostgresServer.ExecuteAsync(PostgresServer.AdminConnectionString, $"DROP ROLE IF EXISTS {role}");
        }
    }

    [Test]
    public async Task MissingPgvector_WithoutMigrating_FailsNamingTheFix()
    {
        var databaseName = string.Create(CultureInfo.InvariantCulture, $"llmstrategies_noext_{Environment.ProcessId}");
        await PostgresServer.ExecuteAsync(PostgresServer.AdminConnectionString, $"CREATE DATABASE {databaseName}");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(PostgresServer.AdminConnectionString) { Database = databaseName, Pooling = false }.ConnectionString;
            await using var database = new PostgresDatabase(new PostgresOptions { ConnectionString = connectionString });

            var error = Assert.ThrowsAsync<PostgresStoreException>(() => PostgresChunkStore.CreateOrOpenAsync(database, "docs", 4));

            Assert.Multiple(() =>
            {
                Assert.That(error!.Kind, Is.EqualTo(PostgresErrorKind.ExtensionMissing));
                Assert.That(error.Message, Does.Contain("CREATE EXTENSION vector").And.Contain("MigrateAsync"));
            });
        }
        finally
        {
            await PostgresServer.ExecuteAsync(PostgresServer.AdminConnectionString, $"DROP DATABASE IF EXISTS {databaseName} WITH (FORCE)");
        }
    }

    [Test]
    public async Task ServerDown_FailsAfterTheRetries_NamingTheAddressAndTheFix()
    {
        var port = UnusedLoopbackPort();
        await using var database = new PostgresDatabase(new PostgresOptions
        {
            ConnectionString = string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={port};Username=postgres;Database=app"),
            MaxRetries = 2,
            RetryDelay = TimeSpan.FromMilliseconds(1),
        });

        var error = Assert.ThrowsAsync<PostgresStoreException>(() => database.MigrateAsync());

        Assert.Multiple(() =>
        {
            Assert.That(error!.Kind, Is.EqualTo(PostgresErrorKind.ServerUnreachable));
            Assert.That(error.Message, Does.Contain($"127.0.0.1:{port}").And.Contain("after 3 attempt(s)").And.Contain("tools/postgres.sh start"));
            Assert.That(error.InnerException, Is.InstanceOf<NpgsqlException>());
        });
    }

    [Test]
    public void Constructor_RejectsInvalidOptions_SayingWhich()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new PostgresDatabase(new PostgresOptions()), Throws.ArgumentException.With.Message.Contains("ConnectionString"));
            Assert.That(() => new PostgresDatabase(new PostgresOptions { ConnectionString = "Host=x", Schema = "Bad-Name" }), Throws.ArgumentException.With.Message.Contains("schema name"));
            Assert.That(() => new PostgresDatabase(new PostgresOptions { ConnectionString = "Host=x", MaxRetries = -1 }), Throws.ArgumentException.With.Message.Contains("MaxRetries"));
            Assert.That(() => new PostgresDatabase(new PostgresOptions { ConnectionString = "Host=x", RetryDelay = TimeSpan.FromHours(1) }), Throws.ArgumentException.With.Message.Contains("RetryDelay"));
            Assert.That(() => new PostgresDatabase(new PostgresOptions { ConnectionString = "Nonsense Key=1" }), Throws.ArgumentException.With.Message.Contains("connection string"));
        });
    }

    [Test]
    public async Task Cancellation_BeforeTheCall_IsHonoured()
    {
        await using var database = new PostgresDatabase(PostgresServer.FreshSchema(migrateOnStart: false));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Assert.That(async () => await database.MigrateAsync(cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await database.GetSchemaVersionAsync(), Is.Zero);
    }

    private static int UnusedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
