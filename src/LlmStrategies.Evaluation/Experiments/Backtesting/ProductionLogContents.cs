using System.Collections;

namespace LlmStrategies.Experiments;

/// <summary>The entries of a production log (see <see cref="ProductionLog.Load"/>) and what was skipped while loading it.</summary>
public sealed class ProductionLogContents : IReadOnlyList<ProductionLogEntry>
{
    private readonly IReadOnlyList<ProductionLogEntry> _entries;

    internal ProductionLogContents(IReadOnlyList<ProductionLogEntry> entries, IReadOnlyList<string> notes)
    {
        _entries = entries;
        Notes = notes;
    }

    /// <summary>Gets what was skipped while loading (a last line torn by a crash), with the file and line; empty when nothing was.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <inheritdoc/>
    public int Count => _entries.Count;

    /// <inheritdoc/>
    public ProductionLogEntry this[int index] => _entries[index];

    /// <inheritdoc/>
    public IEnumerator<ProductionLogEntry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
