using System.ComponentModel.DataAnnotations;

namespace LlmStrategies.Postgres.FewShot;

/// <summary>Settings of <see cref="PostgresExampleStore"/>.</summary>
public sealed class PostgresExampleStoreOptions
{
    /// <summary>Gets or sets the store's name: several stores (one per task, say) share the database's tables. Default <c>default</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string StoreName { get; set; } = "default";

    /// <summary>
    /// Gets or sets whether <see cref="PostgresExampleStore.Version"/> follows other processes' writes: a background
    /// connection listens for the store's notifications (PostgreSQL LISTEN/NOTIFY) and re-reads the version at least
    /// every <see cref="ChangePollInterval"/>. Default <see langword="true"/>. Without it, the version changes on this
    /// instance's reads and writes and on <see cref="PostgresExampleStore.RefreshVersionAsync"/>.
    /// </summary>
    public bool ListenForChanges { get; set; } = true;

    /// <summary>Gets or sets how often the listener re-reads the version when no notification arrives (a notification lost with a dropped connection is caught within this time). Default 5 s; between 100 ms and 1 hour.</summary>
    public TimeSpan ChangePollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how many times <see cref="PostgresExampleStore.UpdateAsync"/> re-reads and re-applies a change that lost a race with another writer. Default 20.</summary>
    [Range(1, 1_000)]
    public int MaxUpdateAttempts { get; set; } = 20;

    internal PostgresExampleStoreOptions Validated()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(StoreName, "PostgresExampleStoreOptions.StoreName");
        ArgumentOutOfRangeException.ThrowIfLessThan(ChangePollInterval, TimeSpan.FromMilliseconds(100), "PostgresExampleStoreOptions.ChangePollInterval");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ChangePollInterval, TimeSpan.FromHours(1), "PostgresExampleStoreOptions.ChangePollInterval");
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxUpdateAttempts, 1, "PostgresExampleStoreOptions.MaxUpdateAttempts");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxUpdateAttempts, 1_000, "PostgresExampleStoreOptions.MaxUpdateAttempts");
        return new PostgresExampleStoreOptions { StoreName = StoreName, ListenForChanges = ListenForChanges, ChangePollInterval = ChangePollInterval, MaxUpdateAttempts = MaxUpdateAttempts };
    }
}
