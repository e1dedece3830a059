namespace LlmStrategies;

/// <summary>
/// A database of good examples for few-shot prompting, changed at run time (for example when corrected production
/// answers become new examples). Implementations must allow concurrent readers while a writer changes the store.
/// </summary>
public interface IExampleStore
{
    /// <summary>Gets a number that changes whenever the store's content changes, so selectors know when to rebuild their indexes.</summary>
    long Version { get; }

    /// <summary>Gets an example by id.</summary>
    /// <param name="id">The example's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The example, or <see langword="null"/> when there is none with that id.</returns>
    ValueTask<FewShotExample?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Lists examples, ordered by id.</summary>
    /// <param name="query">Which examples; <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The examples.</returns>
    ValueTask<IReadOnlyList<FewShotExample>> ListAsync(ExampleQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>Adds examples, replacing those with the same ids, as one change.</summary>
    /// <param name="examples">The examples.</param>
    /// <param name="cancellationToken">Cancels the write before it takes effect.</param>
    /// <returns>A task that completes when the change is durable.</returns>
    ValueTask UpsertAsync(IEnumerable<FewShotExample> examples, CancellationToken cancellationToken = default);

    /// <summary>Removes examples by id, as one change.</summary>
    /// <param name="ids">The ids; unknown ids are ignored.</param>
    /// <param name="cancellationToken">Cancels the write before it takes effect.</param>
    /// <returns>The number of examples removed.</returns>
    ValueTask<int> RemoveAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default);
}
