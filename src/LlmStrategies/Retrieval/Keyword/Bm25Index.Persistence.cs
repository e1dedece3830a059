using LlmStrategies.Retrieval.Analysis;

namespace LlmStrategies.Retrieval.Keyword;

/// <content>Persistence: the file body written by Save and read by Load (header, checksum and atomic write in IndexFile).</content>
public sealed partial class Bm25Index
{
    /// <summary>Loads an index saved by <see cref="Save"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxQueryLength">The longest query accepted by the loaded index.</param>
    /// <returns>The index, with the settings it was saved with.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IndexFormatException">The file is foreign, of an unsupported version, truncated or corrupt.</exception>
    public static Bm25Index Load(string path, int maxQueryLength = 8_192)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = File.ReadAllBytes(path);
        var body = IndexFile.OpenBody(path, bytes, Magic, FormatVersion, "BM25 index");
        try
        {
            using var reader = new BinaryReader(new MemoryStream(body.ToArray(), writable: false));
            var options = new Bm25Options
            {
                K1 = reader.ReadDouble(),
                B = reader.ReadDouble(),
                MaxQueryLength = maxQueryLength,
                Analyzer = new TextAnalyzerOptions { Stem = reader.ReadBoolean(), MaxTokenLength = reader.ReadInt32() },
            };
            var stopWords = new string[IndexFile.ReadCount(reader)];
            for (var i = 0; i < stopWords.Length; i++)
            {
                stopWords[i] = reader.ReadString();
            }

            options.Analyzer.StopWords = stopWords;
            var index = new Bm25Index(options);
            index.ReadBody(reader);
            if (reader.BaseStream.Position != reader.BaseStream.Length)
            {
                throw new InvalidDataException("unexpected bytes after the postings.");
            }

            return index;
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or ArgumentException or OverflowException)
        {
            throw new IndexFormatException(path, $"its content is inconsistent ({ex.Message}) although its checksum matches; it was not written by this library.", ex);
        }
    }


    private void WriteBody(BinaryWriter writer)
    {
        writer.Write(_k1);
        writer.Write(_b);
        writer.Write(_analyzer.Stems);
        writer.Write(_analyzer.MaxTokenLength);
        writer.Write(_analyzer.StopWords.Count);
        foreach (var word in _analyzer.StopWords)
        {
            writer.Write(word);
        }

        // Live chunks in slot order, renumbered densely; postings refer to the new numbers.
        var newSlot = new int[_slotCount];
        writer.Write(_liveCount);
        var next = 0;
        for (var slot = 0; slot < _slotCount; slot++)
        {
            if (_chunks[slot] is not { } chunk)
            {
                newSlot[slot] = -1;
                continue;
            }

            newSlot[slot] = next++;
            writer.Write(chunk.Id);
            writer.Write(chunk.SourceId);
            writer.Write(chunk.Text);
            writer.Write(chunk.StartOffset);
            writer.Write(chunk.Length);
            writer.Write(chunk.Metadata.Count);
            foreach (var (key, value) in chunk.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.Write(key);
                writer.Write(value);
            }
        }

        var terms = _termIds.Where(p => _postings[p.Value].DocumentFrequency > 0).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        writer.Write(terms.Count);
        foreach (var (term, id) in terms)
        {
            var postings = _postings[id];
            writer.Write(term);
            writer.Write(postings.DocumentFrequency);
            for (var i = 0; i < postings.Count; i++)
            {
                var slot = newSlot[postings.Documents[i]];
                if (slot >= 0)
                {
                    writer.Write(slot);
                    writer.Write(postings.Frequencies[i]);
                }
            }
        }
    }

    private void ReadBody(BinaryReader reader)
    {
        var count = IndexFile.ReadCount(reader);
        _chunks = new TextChunk?[Math.Max(16, count)];
        _lengths = new int[_chunks.Length];
        for (var slot = 0; slot < count; slot++)
        {
            var id = reader.ReadString();
            var sourceId = reader.ReadString();
            var text = reader.ReadString();
            var start = reader.ReadInt32();
            var length = reader.ReadInt32();
            var metadataCount = IndexFile.ReadCount(reader);
            var metadata = new Dictionary<string, string>(metadataCount, StringComparer.Ordinal);
            for (var i = 0; i < metadataCount; i++)
            {
                metadata.Add(reader.ReadString(), reader.ReadString());
            }

            var chunk = new TextChunk { Id = id, SourceId = sourceId, Text = text, StartOffset = start, Length = length, Metadata = metadata };
            if (!_slots.TryAdd(id, slot))
            {
                throw new InvalidDataException($"chunk id '{id}' occurs twice.");
            }

            _chunks[slot] = chunk;
            _content.Add(chunk);
            _metadataFields.UnionWith(metadata.Keys);
        }

        _slotCount = count;
        _liveCount = count;
        var terms = IndexFile.ReadCount(reader);
        var documents = new int[count];
        var frequencies = new int[count];
        for (var t = 0; t < terms; t++)
        {
            var term = reader.ReadString();
            var df = IndexFile.ReadCount(reader);
            if (df > count)
            {
                throw new InvalidDataException($"term '{term}' lists {df} chunks, more than the {count} in the index.");
            }

            for (var i = 0; i < df; i++)
            {
                documents[i] = reader.ReadInt32();
                frequencies[i] = reader.ReadInt32();
                if ((uint)documents[i] >= (uint)count || frequencies[i] <= 0 || (i > 0 && documents[i] <= documents[i - 1]))
                {
                    throw new InvalidDataException($"the postings of term '{term}' are out of order or out of range.");
                }

                _lengths[documents[i]] += frequencies[i];
            }

            var id = _postings.Count;
            _termIds.Add(term, id);
            _postings.Add(PostingList.From(documents.AsSpan(0, df), frequencies.AsSpan(0, df)));
        }

        for (var slot = 0; slot < count; slot++)
        {
            _totalLength += _lengths[slot];
        }

        foreach (var postings in _postings)
        {
            postings.RecomputeBounds(_lengths);
        }
    }
}
