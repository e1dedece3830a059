using System.Buffers;
using System.Runtime.CompilerServices;
using LlmStrategies.Retrieval.Analysis;

namespace LlmStrategies.Retrieval.Keyword;

/// <summary>
/// An in-memory BM25 keyword index over <see cref="TextChunk"/>s with incremental add, update and remove, metadata
/// filters, top-k search with MaxScore dynamic pruning, and versioned, checksummed, atomically written files.
/// </summary>
/// <remarks>
/// <para>
/// Scoring is Okapi BM25 as in Lucene's BM25Similarity: for each query term,
/// idf · tf · (k1 + 1) / (tf + k1 · (1 − b + b · dl / avgdl)) with idf = ln(1 + (N − df + 0.5) / (df + 0.5)), summed
/// over query terms (a repeated query term counts once per occurrence). Document lengths are exact (Lucene quantises
/// them to one byte), so scores differ from Lucene's in the last digits.
/// </para>
/// <para>
/// Search is document-at-a-time with MaxScore pruning (Turtle and Flood, 1995): terms whose score upper bounds cannot
/// lift a document into the current top k are only probed for documents the other terms already made competitive, so
/// the work per query grows much more slowly than the corpus. Results are exact; ties are broken by insertion order.
/// </para>
/// <para>
/// Thread-safety: any number of concurrent searches, serialised with writers by a reader-writer lock. After warm-up an
/// unfiltered search through <see cref="Search(ReadOnlySpan{char}, Span{KeywordHit}, MetadataFilter?)"/> allocates
/// nothing; a filtered search allocates once per filter instance and index version to compile the filter.
/// </para>
/// </remarks>
public sealed class Bm25Index : IDisposable
{
    private const int FormatVersion = 1;
    private static ReadOnlySpan<byte> Magic => "LLMSBM25"u8;

    private readonly EnglishTextAnalyzer _analyzer;
    private readonly double _k1;
    private readonly double _b;
    private readonly int _maxQueryLength;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, int> _termIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _termLookup;
    private readonly List<PostingList> _postings = [];
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private readonly HashSet<string> _metadataFields = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<MetadataFilter, CompiledFilter> _filters = [];
    private readonly SearchScratch?[] _scratchPool = new SearchScratch?[Math.Max(4, Environment.ProcessorCount * 2)];
    private TextChunk?[] _chunks = new TextChunk?[16];
    private int[] _lengths = new int[16];
    private int _slotCount;
    private int _liveCount;
    private int _deletedCount;
    private long _totalLength;
    private long _version;
    private ContentDigest _content;

    /// <summary>Creates an empty index.</summary>
    /// <param name="options">Settings; <see langword="null"/> for the defaults.</param>
    public Bm25Index(Bm25Options? options = null)
    {
        options ??= new Bm25Options();
        if (!(options.K1 >= 0) || double.IsInfinity(options.K1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.K1, "Bm25Options.K1 must be a finite number ≥ 0 (typical values 0.9 to 2).");
        }

        if (!(options.B is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.B, "Bm25Options.B must be between 0 and 1 (typical values 0.4 to 0.75).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxQueryLength, 1, "Bm25Options.MaxQueryLength");
        _analyzer = new EnglishTextAnalyzer(options.Analyzer);
        _k1 = options.K1;
        _b = options.B;
        _maxQueryLength = options.MaxQueryLength;
        _termLookup = _termIds.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Gets k1, the term-frequency saturation.</summary>
    public double K1 => _k1;

    /// <summary>Gets b, the length normalisation.</summary>
    public double B => _b;

    /// <summary>
    /// Gets a digest of the indexed chunks (ids, sources, texts, metadata), independent of insertion order: equal contents,
    /// equal digests. Retrievers include it in their fingerprints.
    /// </summary>
    public string ContentFingerprint
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _content.Value;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Gets or sets a value indicating whether MaxScore pruning is on (always, except to measure what it saves).</summary>
    internal bool Pruning { get; set; } = true;

    /// <summary>Gets the analyzer that turns text into terms.</summary>
    public EnglishTextAnalyzer Analyzer => _analyzer;

    /// <summary>Gets the number of chunks in the index.</summary>
    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _liveCount;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Gets the number of distinct terms ever indexed (including terms of removed chunks until compaction).</summary>
    public int TermCount
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _termIds.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

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

    /// <summary>Adds a chunk.</summary>
    /// <param name="chunk">The chunk; its id must not be in the index yet.</param>
    /// <exception cref="ArgumentException">A chunk with the same id is already indexed.</exception>
    public void Add(TextChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var terms = AnalyzeDocument(chunk);
        _lock.EnterWriteLock();
        try
        {
            if (_slots.ContainsKey(chunk.Id))
            {
                throw new ArgumentException($"A chunk with id '{chunk.Id}' is already in the index; use Upsert to replace it.", nameof(chunk));
            }

            AddLocked(chunk, terms);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Adds chunks.</summary>
    /// <param name="chunks">The chunks; ids must be new and distinct.</param>
    public void AddRange(IEnumerable<TextChunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        foreach (var chunk in chunks)
        {
            Add(chunk);
        }
    }

    /// <summary>Adds a chunk, replacing any chunk with the same id.</summary>
    /// <param name="chunk">The chunk.</param>
    public void Upsert(TextChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var terms = AnalyzeDocument(chunk);
        _lock.EnterWriteLock();
        try
        {
            RemoveLocked(chunk.Id);
            AddLocked(chunk, terms);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Removes a chunk.</summary>
    /// <param name="chunkId">The chunk's id.</param>
    /// <returns><see langword="true"/> when the chunk was in the index.</returns>
    public bool Remove(string chunkId)
    {
        ArgumentNullException.ThrowIfNull(chunkId);
        _lock.EnterWriteLock();
        try
        {
            return RemoveLocked(chunkId);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Looks a chunk up by id.</summary>
    /// <param name="chunkId">The chunk's id.</param>
    /// <param name="chunk">The chunk, when found.</param>
    /// <returns><see langword="true"/> when found.</returns>
    public bool TryGetChunk(string chunkId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TextChunk? chunk)
    {
        ArgumentNullException.ThrowIfNull(chunkId);
        _lock.EnterReadLock();
        try
        {
            chunk = _slots.TryGetValue(chunkId, out var slot) ? _chunks[slot] : null;
            return chunk is not null;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Returns the best chunks for <paramref name="query"/>.</summary>
    /// <param name="query">The query text.</param>
    /// <param name="top">How many chunks at most.</param>
    /// <param name="filter">Metadata the chunks must match, or <see langword="null"/>.</param>
    /// <returns>The hits, best first; empty when no query term occurs in the index.</returns>
    /// <exception cref="ArgumentException">The query is empty, too long, or the filter names a field no chunk has.</exception>
    public IReadOnlyList<KeywordHit> Search(string query, int top, MetadataFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        var buffer = ArrayPool<KeywordHit>.Shared.Rent(Math.Min(top, Math.Max(1, Count)));
        try
        {
            var found = Search(query.AsSpan(), buffer.AsSpan(0, Math.Min(top, buffer.Length)), filter);
            return buffer.AsSpan(0, found).ToArray();
        }
        finally
        {
            ArrayPool<KeywordHit>.Shared.Return(buffer, clearArray: true);
        }
    }

    /// <summary>Writes the best chunks for <paramref name="query"/> into <paramref name="results"/>, allocating nothing after warm-up.</summary>
    /// <param name="query">The query text.</param>
    /// <param name="results">Receives the hits, best first; its length is k.</param>
    /// <param name="filter">Metadata the chunks must match, or <see langword="null"/>.</param>
    /// <returns>The number of hits written.</returns>
    /// <exception cref="ArgumentException">The query is empty, too long, or the filter names a field no chunk has.</exception>
    public int Search(ReadOnlySpan<char> query, Span<KeywordHit> results, MetadataFilter? filter)
    {
        if (query.IsWhiteSpace())
        {
            throw new ArgumentException("The query is empty or white space; pass the text to search for.", nameof(query));
        }

        if (query.Length > _maxQueryLength)
        {
            throw new ArgumentException($"The query is {query.Length} characters long; the limit is {_maxQueryLength} (Bm25Options.MaxQueryLength). Shorten the query or raise the limit.", nameof(query));
        }

        if (results.IsEmpty)
        {
            return 0;
        }

        var scratch = RentScratch();
        _lock.EnterReadLock();
        try
        {
            var allowed = filter is null ? null : Compile(filter);
            var termCount = CollectQueryTerms(query, scratch);
            return termCount == 0 || _liveCount == 0 ? 0 : Score(scratch, termCount, allowed, results);
        }
        finally
        {
            _lock.ExitReadLock();
            ReturnScratch(scratch);
        }
    }

    /// <summary>
    /// Writes the index to <paramref name="path"/> atomically: to a temporary file beside it, flushed to disk, then renamed
    /// over the target, so a crash leaves either the old file or the new one, never a torn one.
    /// </summary>
    /// <param name="path">The file.</param>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _lock.EnterReadLock();
        try
        {
            IndexFile.WriteAtomically(path, Magic, FormatVersion, WriteBody);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _lock.Dispose();

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

    private int CollectQueryTerms(ReadOnlySpan<char> query, SearchScratch scratch)
    {
        var text = EnglishTextAnalyzer.Normalize(query, ref scratch.Normalized);
        var terms = new EnglishTextAnalyzer.TermEnumerator(_analyzer, text, scratch.Token);
        var count = 0;
        while (terms.MoveNext())
        {
            if (!_termLookup.TryGetValue(terms.Current, out var id))
            {
                continue;
            }

            var seen = scratch.TermIds.AsSpan(0, count).IndexOf(id);
            if (seen >= 0)
            {
                scratch.QueryFrequency[seen]++;
                continue;
            }

            scratch.EnsureTerms(count + 1);
            scratch.TermIds[count] = id;
            scratch.QueryFrequency[count] = 1;
            count++;
        }

        return count;
    }

    private int Score(SearchScratch scratch, int termCount, bool[]? allowed, Span<KeywordHit> results)
    {
        var n = (double)_liveCount;
        var averageLength = Math.Max(1e-9, _totalLength / n);

        // Length normalisation k1 · (1 − b + b · dl / avgdl) = lengthBase + lengthScale · dl.
        var lengthBase = _k1 * (1 - _b);
        var lengthScale = _k1 * _b / averageLength;

        // Cursors over the query terms' posting lists, with each term's weight and score upper bound.
        var cursors = scratch.Cursors;
        var live = 0;
        for (var t = 0; t < termCount; t++)
        {
            var postings = _postings[scratch.TermIds[t]];
            var df = postings.DocumentFrequency;
            if (df <= 0)
            {
                continue;
            }

            var idf = Math.Log(1 + ((n - df + 0.5) / (df + 0.5)));
            var weight = idf * (_k1 + 1) * scratch.QueryFrequency[t];

            // The term score grows with tf and shrinks with dl, so the list's largest tf over its shortest length bounds it.
            var upperBound = weight * postings.MaxFrequency / (postings.MaxFrequency + lengthBase + (lengthScale * postings.MinLength));
            cursors[live++] = new Cursor(postings, weight, upperBound);
        }

        if (live == 0)
        {
            return 0;
        }

        // MaxScore: order terms by upper bound; prefix sums tell which terms alone cannot reach the threshold.
        var span = cursors.AsSpan(0, live);
        span.Sort(static (x, y) => x.UpperBound.CompareTo(y.UpperBound));
        var prefix = scratch.PrefixBounds;
        var sum = 0.0;
        for (var t = 0; t < live; t++)
        {
            // Inflated by a relative 1e-9 so that rounding in the per-document arithmetic can never make pruning unsafe.
            sum += span[t].UpperBound;
            prefix[t] = sum * (1 + 1e-9);
        }

        var contributions = scratch.Contributions;

        scratch.EnsureHeap(results.Length);
        var heap = new TopHeap(scratch.HeapScores, scratch.HeapSlots, results.Length);
        var essential = 0;
        var chunks = _chunks;
        var lengths = _lengths;
        while (true)
        {
            // The next candidate is the smallest current document among the essential terms.
            var doc = int.MaxValue;
            for (var t = essential; t < live; t++)
            {
                var d = span[t].Document;
                if (d < doc)
                {
                    doc = d;
                }
            }

            if (doc == int.MaxValue)
            {
                break;
            }

            if (chunks[doc] is null || (allowed is not null && !allowed[doc]))
            {
                for (var t = essential; t < live; t++)
                {
                    span[t].SkipPast(doc);
                }

                continue;
            }

            var norm = lengthBase + (lengthScale * lengths[doc]);
            var score = 0.0;
            contributions.AsSpan(0, live).Clear();
            for (var t = essential; t < live; t++)
            {
                ref var cursor = ref span[t];
                if (cursor.Document == doc)
                {
                    var tf = (double)cursor.Frequency;
                    score += contributions[t] = cursor.Weight * tf / (tf + norm);
                    cursor.Next();
                }
            }

            // Non-essential terms, strongest first, while they can still lift the document above the threshold.
            var pruned = false;
            for (var t = essential - 1; t >= 0; t--)
            {
                if (Pruning && heap.IsFull && score + prefix[t] <= heap.Threshold)
                {
                    pruned = true;
                    break;
                }

                ref var cursor = ref span[t];
                if (cursor.SeekTo(doc))
                {
                    var tf = (double)cursor.Frequency;
                    score += contributions[t] = cursor.Weight * tf / (tf + norm);
                }
            }

            if (pruned)
            {
                continue;
            }

            // Sum in a fixed term order, so a document's score does not depend on when pruning started (exact ties stay ties).
            score = 0.0;
            for (var t = 0; t < live; t++)
            {
                score += contributions[t];
            }

            if (heap.TryInsert(score, doc) && heap.IsFull && Pruning)
            {
                while (essential < live && prefix[essential] <= heap.Threshold)
                {
                    essential++;
                }
            }
        }

        var found = heap.DrainDescending();
        for (var i = 0; i < found; i++)
        {
            results[i] = new KeywordHit(chunks[scratch.HeapSlots[i]]!, scratch.HeapScores[i]);
        }

        return found;
    }

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

    private SearchScratch RentScratch()
    {
        for (var i = 0; i < _scratchPool.Length; i++)
        {
            if (Interlocked.Exchange(ref _scratchPool[i], null) is { } scratch)
            {
                return scratch;
            }
        }

        return new SearchScratch(_analyzer.MaxTokenLength);
    }

    private void ReturnScratch(SearchScratch scratch)
    {
        for (var i = 0; i < _scratchPool.Length; i++)
        {
            if (Interlocked.CompareExchange(ref _scratchPool[i], scratch, null) is null)
            {
                return;
            }
        }
    }

    private sealed record CompiledFilter(long Version, bool[] Allowed);

    /// <summary>One term's postings: chunk slots in increasing order with the term's frequency in each.</summary>
    private sealed class PostingList
    {
        public int[] Documents { get; private set; } = new int[2];

        public int[] Frequencies { get; private set; } = new int[2];

        public int Count { get; private set; }

        /// <summary>Gets the largest term frequency in the list (kept as an upper bound after removals).</summary>
        public int MaxFrequency { get; private set; }

        /// <summary>Gets the shortest chunk length in the list (kept as a lower bound after removals).</summary>
        public int MinLength { get; private set; } = int.MaxValue;

        /// <summary>Gets or sets the number of live chunks that contain the term.</summary>
        public int DocumentFrequency { get; set; }

        public static PostingList From(ReadOnlySpan<int> documents, ReadOnlySpan<int> frequencies) => new()
        {
            Documents = documents.ToArray(),
            Frequencies = frequencies.ToArray(),
            Count = documents.Length,
            DocumentFrequency = documents.Length,
        };

        public void Append(int document, int frequency, int length)
        {
            if (Count == Documents.Length)
            {
                var documents = Documents;
                var frequencies = Frequencies;
                Array.Resize(ref documents, Count * 2);
                Array.Resize(ref frequencies, Count * 2);
                Documents = documents;
                Frequencies = frequencies;
            }

            Documents[Count] = document;
            Frequencies[Count] = frequency;
            Count++;
            DocumentFrequency++;
            MaxFrequency = Math.Max(MaxFrequency, frequency);
            MinLength = Math.Min(MinLength, length);
        }

        /// <summary>Drops removed chunks (new slot -1), maps the others to their new slots and recomputes the bounds.</summary>
        public void Renumber(int[] newSlot, int[] oldLengths)
        {
            var kept = 0;
            MaxFrequency = 0;
            MinLength = int.MaxValue;
            for (var i = 0; i < Count; i++)
            {
                var old = Documents[i];
                var slot = newSlot[old];
                if (slot < 0)
                {
                    continue;
                }

                Documents[kept] = slot;
                Frequencies[kept] = Frequencies[i];
                MaxFrequency = Math.Max(MaxFrequency, Frequencies[i]);
                MinLength = Math.Min(MinLength, oldLengths[old]);
                kept++;
            }

            Count = kept;
            DocumentFrequency = kept;
        }

        public void RecomputeBounds(int[] lengths)
        {
            MaxFrequency = 0;
            MinLength = int.MaxValue;
            for (var i = 0; i < Count; i++)
            {
                MaxFrequency = Math.Max(MaxFrequency, Frequencies[i]);
                MinLength = Math.Min(MinLength, lengths[Documents[i]]);
            }
        }
    }

    /// <summary>A position in one query term's posting list.</summary>
    private struct Cursor(PostingList postings, double weight, double upperBound)
    {
        private readonly int[] _documents = postings.Documents;
        private readonly int[] _frequencies = postings.Frequencies;
        private readonly int _count = postings.Count;
        private int _position;

        public readonly double Weight { get; } = weight;

        public readonly double UpperBound { get; } = upperBound;

        public readonly int Document => _position < _count ? _documents[_position] : int.MaxValue;

        public readonly int Frequency => _frequencies[_position];

        public void Next() => _position++;

        public void SkipPast(int document)
        {
            if (_position < _count && _documents[_position] == document)
            {
                _position++;
            }
        }

        /// <summary>Moves to the first entry ≥ <paramref name="target"/> by galloping search; returns whether it is exactly the target.</summary>
        public bool SeekTo(int target)
        {
            var documents = _documents;
            var low = _position;
            if (low >= _count || documents[low] >= target)
            {
                return low < _count && documents[low] == target;
            }

            var step = 1;
            var high = low + 1;
            while (high < _count && documents[high] < target)
            {
                low = high;
                step <<= 1;
                high = low + step;
            }

            // documents[low] < target and documents[high] >= target (or high is past the end): the answer is in (low, high].
            high = Math.Min(high, _count - 1);
            var found = Array.BinarySearch(documents, low + 1, high - low, target);
            _position = found >= 0 ? found : ~found;
            return found >= 0;
        }
    }

    /// <summary>A fixed-size min-heap of (score, slot): the worst kept hit on top; ties favour the earlier slot.</summary>
    private ref struct TopHeap(double[] scores, int[] slots, int capacity)
    {
        private readonly double[] _scores = scores;
        private readonly int[] _slots = slots;
        private readonly int _capacity = capacity;
        private int _count;

        public readonly bool IsFull => _count == _capacity;

        public readonly double Threshold => _scores[0];

        /// <summary>Inserts when the heap has room or the hit beats the worst kept one; slots arrive in increasing order.</summary>
        public bool TryInsert(double score, int slot)
        {
            if (_count < _capacity)
            {
                var i = _count++;
                _scores[i] = score;
                _slots[i] = slot;
                SiftUp(i);
                return true;
            }

            // An equal score loses: the kept hit came earlier.
            if (score <= _scores[0])
            {
                return false;
            }

            _scores[0] = score;
            _slots[0] = slot;
            SiftDown(0, _count);
            return true;
        }

        /// <summary>Sorts the kept hits best first into the start of the arrays; returns their number.</summary>
        public int DrainDescending()
        {
            var count = _count;
            for (var end = count - 1; end > 0; end--)
            {
                (_scores[0], _scores[end]) = (_scores[end], _scores[0]);
                (_slots[0], _slots[end]) = (_slots[end], _slots[0]);
                SiftDown(0, end);
            }

            return count;
        }

        private readonly bool Worse(int a, int b) =>
            _scores[a] < _scores[b] || (_scores[a] == _scores[b] && _slots[a] > _slots[b]);

        private readonly void SiftUp(int i)
        {
            while (i > 0)
            {
                var parent = (i - 1) >> 1;
                if (!Worse(i, parent))
                {
                    break;
                }

                Swap(i, parent);
                i = parent;
            }
        }

        private readonly void SiftDown(int i, int count)
        {
            while (true)
            {
                var left = (2 * i) + 1;
                if (left >= count)
                {
                    return;
                }

                var worst = left + 1 < count && Worse(left + 1, left) ? left + 1 : left;
                if (!Worse(worst, i))
                {
                    return;
                }

                Swap(i, worst);
                i = worst;
            }
        }

        private readonly void Swap(int a, int b)
        {
            (_scores[a], _scores[b]) = (_scores[b], _scores[a]);
            (_slots[a], _slots[b]) = (_slots[b], _slots[a]);
        }
    }

    /// <summary>Per-search buffers, pooled by the index so searches allocate nothing after warm-up.</summary>
    private sealed class SearchScratch(int maxTokenLength)
    {
        public char[] Normalized = new char[256];

        public char[] Token { get; } = new char[maxTokenLength + 1];

        public int[] TermIds { get; private set; } = new int[16];

        public int[] QueryFrequency { get; private set; } = new int[16];

        public Cursor[] Cursors { get; private set; } = new Cursor[16];

        public double[] PrefixBounds { get; private set; } = new double[16];

        public double[] Contributions { get; private set; } = new double[16];

        public double[] HeapScores { get; private set; } = new double[16];

        public int[] HeapSlots { get; private set; } = new int[16];

        public void EnsureTerms(int count)
        {
            if (count <= TermIds.Length)
            {
                return;
            }

            var size = Math.Max(count, TermIds.Length * 2);
            var ids = TermIds;
            var frequencies = QueryFrequency;
            Array.Resize(ref ids, size);
            Array.Resize(ref frequencies, size);
            TermIds = ids;
            QueryFrequency = frequencies;
            Cursors = new Cursor[size];
            PrefixBounds = new double[size];
            Contributions = new double[size];
        }

        public void EnsureHeap(int k)
        {
            if (k > HeapScores.Length)
            {
                HeapScores = new double[k];
                HeapSlots = new int[k];
            }
        }
    }
}
