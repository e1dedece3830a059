using System.Collections.Concurrent;

namespace LlmStrategies.VectorData;

/// <summary>The collections of one <see cref="InMemoryHybridVectorStore"/> (or of one standalone collection), by name.</summary>
internal sealed class StorageRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, IDisposable> _collections = new(StringComparer.Ordinal);

    public IEnumerable<string> Names => _collections.Keys;

    public bool Contains(string name) => _collections.ContainsKey(name);

    public bool TryGet(string name, out IDisposable storage) => _collections.TryGetValue(name, out storage!);

    public IDisposable GetOrAdd(string name, Func<IDisposable> create)
    {
        if (_collections.TryGetValue(name, out var existing))
        {
            return existing;
        }

        var created = create();
        var stored = _collections.GetOrAdd(name, created);
        if (!ReferenceEquals(stored, created))
        {
            created.Dispose();
        }

        return stored;
    }

    /// <summary>Forgets a collection. Its indexes are not disposed: a search may still be running on them, and they hold only managed memory.</summary>
    public void Remove(string name) => _collections.TryRemove(name, out _);

    public void Dispose()
    {
        foreach (var name in _collections.Keys)
        {
            if (_collections.TryRemove(name, out var storage))
            {
                storage.Dispose();
            }
        }
    }
}
