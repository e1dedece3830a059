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
public sealed partial class Bm25Index : IDisposable
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
    private readonly Bm25SearchScratch?[] _scratchPool = new Bm25SearchScratch?[Math.Max(4, Environment.ProcessorCount * 2)];
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
        options = ValidatedOptions.ThrowIfInvalid(new Bm25OptionsValidator(), options ?? new Bm25Options());
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

    /// <summary>Gets a number that increases with every change to the indexed chunks (a cheap signal for <see cref="IContentVersioned"/>).</summary>
    public long Version => Interlocked.Read(ref _version);

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


    private Bm25SearchScratch RentScratch()
    {
        for (var i = 0; i < _scratchPool.Length; i++)
        {
            if (Interlocked.Exchange(ref _scratchPool[i], null) is { } scratch)
            {
                return scratch;
            }
        }

        return new Bm25SearchScratch(_analyzer.MaxTokenLength);
    }

    private void ReturnScratch(Bm25SearchScratch scratch)
    {
        for (var i = 0; i < _scratchPool.Length; i++)
        {
            if (Interlocked.CompareExchange(ref _scratchPool[i], scratch, null) is null)
            {
                return;
            }
        }
    }
}
