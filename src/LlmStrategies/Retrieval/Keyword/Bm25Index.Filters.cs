namespace LlmStrategies.Retrieval.Keyword;

/// <content>Metadata filters, compiled once per filter instance and index version to one flag per slot.</content>
public sealed partial class Bm25Index
{

    private bool[] Compile(MetadataFilter filter)
    {
        if (_filters.TryGetValue(filter, out var compiled) && compiled.Version == _version)
        {
            return compiled.Allowed;
        }

        foreach (var (field, _) in filter.Conditions)
        {
            if (!_metadataFields.Contains(field))
            {
                var known = _metadataFields.Count == 0 ? "none" : string.Join(", ", _metadataFields.Order(StringComparer.Ordinal));
                throw new ArgumentException($"The filter names metadata field '{field}', which no chunk in the index has (fields: {known}). Check the spelling, or index chunks with that field.", nameof(filter));
            }
        }

        var allowed = new bool[_slotCount];
        for (var slot = 0; slot < _slotCount; slot++)
        {
            allowed[slot] = _chunks[slot] is { } chunk && filter.Matches(chunk.Metadata);
        }

        _filters.AddOrUpdate(filter, new CompiledFilter(_version, allowed));
        return allowed;
    }

    private sealed record CompiledFilter(long Version, bool[] Allowed);
}
