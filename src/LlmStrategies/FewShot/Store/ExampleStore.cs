using System.Collections.Immutable;

namespace LlmStrategies.FewShot.Store;

/// <summary>
/// The embedded example store: in memory, optionally persisted to a file that survives restarts and crashes.
/// </summary>
/// <remarks>
/// <para>
/// Readers never block: every read sees one immutable snapshot. Writers are serialised; each change is first written to
/// the file atomically (temporary file, flush to disk, rename), then published, so a crash leaves either the old or the
/// new state on disk and readers never see a change that is not durable. The file is versioned and checksummed;
/// a foreign, corrupt or edited file fails to open with <see cref="Retrieval.IndexFormatException"/>.
/// </para>
/// <para>
/// Several stores (in one process or several) may open the same file: each change takes an OS lock on
/// <c>&lt;file&gt;.lock</c>, and when another store changed the file since this one last read or wrote it, the change is
/// applied to the file's current content (which this store then publishes), so no store's update is lost.
/// </para>
/// <para>
/// Each change rewrites the whole file, which suits example sets up to tens of thousands; add many examples with one
/// <see cref="UpsertAsync"/> call. Use <see cref="IExampleStore"/> to plug in an external database instead.
/// </para>
/// </remarks>
public sealed class ExampleStore : IExampleStore, IFingerprintable, IDisposable
{
    private readonly string? _path;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private ImmutableSortedDictionary<string, FewShotExample> _examples;
    private long _version;
    private string? _stamp;
    private (ImmutableSortedDictionary<string, FewShotExample> Snapshot, string Digest)? _digest;

    private ExampleStore(string? path, IEnumerable<FewShotExample> examples)
    {
        _path = path;
        _examples = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, examples.Select(e => KeyValuePair.Create(e.Id, e)));
    }

    /// <summary>Gets the file the store persists to, or <see langword="null"/> for an in-memory store.</summary>
    public string? Path => _path;

    /// <inheritdoc/>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Gets the number of examples.</summary>
    public int Count => Volatile.Read(ref _examples).Count;

    /// <summary>Test hook: runs between writing the temporary file and renaming it, to simulate a crash mid-write.</summary>
    internal Action? BeforeRename { get; set; }

    /// <summary>Creates an empty store that lives in memory only.</summary>
    /// <param name="examples">Initial examples, or <see langword="null"/>.</param>
    /// <returns>The store.</returns>
    public static ExampleStore InMemory(IEnumerable<FewShotExample>? examples = null)
    {
        var initial = (examples ?? []).ToList();
        initial.ForEach(Validate);
        ThrowIfRepeated(initial);
        return new ExampleStore(null, initial);
    }

    /// <summary>Opens the store persisted at <paramref name="path"/>, or creates an empty one there.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The store.</returns>
    /// <exception cref="Retrieval.IndexFormatException">The file is not an example store, is of another version, or is corrupt.</exception>
    public static ExampleStore Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = System.IO.Path.GetFullPath(path);
        var examples = File.Exists(full) ? ExampleStoreFile.Read(full) : [];
        return new ExampleStore(full, examples) { _stamp = ExampleStoreFile.CurrentStamp(full) };
    }

    /// <inheritdoc/>
    public ValueTask<FewShotExample?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return ValueTask.FromResult(Volatile.Read(ref _examples).GetValueOrDefault(id));
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<FewShotExample>> ListAsync(ExampleQuery? query = null, CancellationToken cancellationToken = default)
    {
        var snapshot = Volatile.Read(ref _examples);
        IReadOnlyList<FewShotExample> examples = query is null ? [.. snapshot.Values] : [.. snapshot.Values.Where(query.Matches)];
        return ValueTask.FromResult(examples);
    }

    /// <inheritdoc/>
    public async ValueTask UpsertAsync(IEnumerable<FewShotExample> examples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var changes = examples.ToList();
        changes.ForEach(Validate);
        ThrowIfRepeated(changes);
        await ChangeAsync(current => current.SetItems(changes.Select(e => KeyValuePair.Create(e.Id, e))), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask<int> RemoveAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var removed = 0;
        await ChangeAsync(
            current =>
            {
                var next = current.RemoveRange(ids);
                removed = current.Count - next.Count;
                return next;
            },
            cancellationToken).ConfigureAwait(false);
        return removed;
    }

    /// <summary>Writes a digest of the examples (ids, inputs, outputs, labels, tags, metadata), so a strategy's fingerprint changes with the store's content.</summary>
    /// <param name="builder">The fingerprint builder.</param>
    public void AddToFingerprint(FingerprintBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var snapshot = Volatile.Read(ref _examples);
        if (_digest is not { } cached || !ReferenceEquals(cached.Snapshot, snapshot))
        {
            // Computed once per version of the store (strategies recompute their fingerprint only after a change).
            var text = new System.Text.StringBuilder();
            foreach (var example in snapshot.Values)
            {
                text.Append(example.Id).Append('\u001f').Append(example.Input).Append('\u001f').Append(example.Output).Append('\u001f').Append(example.Label)
                    .Append('\u001f').AppendJoin('\u001d', example.Tags);
                foreach (var (key, value) in example.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append('\u001f').Append(key).Append('=').Append(value);
                }

                text.Append('\u001e');
            }

            cached = (snapshot, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString())))[..32]);
            _digest = cached;
        }

        builder.Add("examples", snapshot.Count).Add("content", cached.Digest);
    }

    /// <inheritdoc/>
    public void Dispose() => _writer.Dispose();

    private static void Validate(FewShotExample example)
    {
        ArgumentNullException.ThrowIfNull(example);
        if (string.IsNullOrWhiteSpace(example.Id) || example.Input is null || example.Output is null)
        {
            throw new ArgumentException($"Example '{example.Id}' needs a non-empty id, an input and an output.", nameof(example));
        }
    }

    private static void ThrowIfRepeated(List<FewShotExample> examples)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (examples.FirstOrDefault(e => !ids.Add(e.Id)) is { } repeated)
        {
            throw new ArgumentException($"Two examples have the id '{repeated.Id}'; ids must be unique (one of them would silently replace the other).", nameof(examples));
        }
    }

    private async Task ChangeAsync(Func<ImmutableSortedDictionary<string, FewShotExample>, ImmutableSortedDictionary<string, FewShotExample>> change, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var fileLock = _path is null ? null : await ExampleStoreFile.LockAsync(_path, cancellationToken).ConfigureAwait(false);
            var current = _examples;
            if (_path is not null && ExampleStoreFile.ReadIfChanged(_path, _stamp) is { } onDisk)
            {
                // Another store wrote the file since this one last saw it: change its content, not the stale snapshot.
                current = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, onDisk.Examples.Select(e => KeyValuePair.Create(e.Id, e)));
                _stamp = onDisk.Stamp;
            }

            var next = change(current);
            if (ReferenceEquals(next, current) && ReferenceEquals(current, _examples))
            {
                return;
            }

            if (_path is not null && !ReferenceEquals(next, current))
            {
                _stamp = ExampleStoreFile.Write(_path, next.Values, BeforeRename);
            }

            Volatile.Write(ref _examples, next);
            Interlocked.Increment(ref _version);
        }
        finally
        {
            _writer.Release();
        }
    }
}
