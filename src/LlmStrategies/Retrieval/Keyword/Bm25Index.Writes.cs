using LlmStrategies.Retrieval.Analysis;

namespace LlmStrategies.Retrieval.Keyword;

/// <content>Writes: document analysis, postings appends, removal and compaction (callers hold the write lock).</content>
public sealed partial class Bm25Index
{
    private List<KeyValuePair<string, int>> AnalyzeDocument(TextChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk.Id);
        ArgumentNullException.ThrowIfNull(chunk.Text);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var term in _analyzer.Analyze(chunk.Text))
        {
            counts[term] = counts.GetValueOrDefault(term) + 1;
        }

        return [.. counts];
    }

    private void AddLocked(TextChunk chunk, List<KeyValuePair<string, int>> terms)
    {
        var slot = _slotCount++;
        if (slot == _chunks.Length)
        {
            Array.Resize(ref _chunks, slot * 2);
            Array.Resize(ref _lengths, slot * 2);
        }

        var length = 0;
        foreach (var (_, count) in terms)
        {
            length += count;
        }

        _chunks[slot] = chunk;
        _lengths[slot] = length;
        _slots[chunk.Id] = slot;
        _content.Add(chunk);
        _liveCount++;
        _totalLength += length;
        foreach (var field in chunk.Metadata.Keys)
        {
            _metadataFields.Add(field);
        }

        foreach (var (term, count) in terms)
        {
            if (!_termIds.TryGetValue(term, out var id))
            {
                id = _postings.Count;
                _termIds.Add(term, id);
                _postings.Add(new PostingList());
            }

            _postings[id].Append(slot, count, length);
        }

        _version++;
    }

    private bool RemoveLocked(string chunkId)
    {
        if (!_slots.Remove(chunkId, out var slot))
        {
            return false;
        }

        var chunk = _chunks[slot]!;
        foreach (var (term, _) in AnalyzeDocument(chunk))
        {
            _postings[_termIds[term]].DocumentFrequency--;
        }

        _chunks[slot] = null;
        _content.Remove(chunk);
        _totalLength -= _lengths[slot];
        _liveCount--;
        _deletedCount++;
        _version++;

        // Removed chunks stay in the posting lists (skipped by search) until they are a quarter of the index.
        if (_deletedCount > 64 && _deletedCount * 4 > _slotCount)
        {
            Compact();
        }

        return true;
    }

    /// <summary>Rebuilds the posting lists without removed chunks and renumbers the slots densely.</summary>
    private void Compact()
    {
        var newSlot = new int[_slotCount];
        var next = 0;
        for (var slot = 0; slot < _slotCount; slot++)
        {
            newSlot[slot] = _chunks[slot] is null ? -1 : next++;
        }

        foreach (var postings in _postings)
        {
            postings.Renumber(newSlot, _lengths);
        }

        var chunks = new TextChunk?[Math.Max(16, next * 2)];
        var lengths = new int[chunks.Length];
        for (var slot = 0; slot < _slotCount; slot++)
        {
            if (newSlot[slot] >= 0)
            {
                chunks[newSlot[slot]] = _chunks[slot];
                lengths[newSlot[slot]] = _lengths[slot];
                _slots[_chunks[slot]!.Id] = newSlot[slot];
            }
        }

        _chunks = chunks;
        _lengths = lengths;
        _slotCount = next;
        _deletedCount = 0;
    }
}
