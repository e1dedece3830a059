using System.Collections.Concurrent;
using System.Globalization;
using LlmStrategies.Retrieval.Keyword;
using LlmStrategies.VectorSearch;
using Microsoft.Extensions.VectorData;
using Microsoft.Extensions.VectorData.ProviderServices;

namespace LlmStrategies.VectorData;

/// <summary>
/// The data of one collection: the records, one SIMD vector index per vector property and one BM25 index per full-text
/// property, all keyed by an internal row id. Writes are serialised; searches run concurrently with them and skip rows
/// that disappeared between the index hit and the lookup.
/// </summary>
internal sealed class CollectionStorage<TKey> : IDisposable
    where TKey : notnull
{
    private readonly Lock _writeGate = new();
    private readonly ConcurrentDictionary<TKey, long> _rowIds = new();
    private readonly ConcurrentDictionary<long, StoredRecord<TKey>> _rows = new();
    private readonly IVectorIndex<long>[] _vectorIndexes;
    private readonly Bm25Index[] _keywordIndexes;
    private long _lastRowId;

    public CollectionStorage(Type recordType, CollectionModel model, HnswOptions? hnsw, Bm25Options? bm25)
    {
        RecordType = recordType;
        Schema = SchemaOf(recordType, model);
        _vectorIndexes = model.VectorProperties.Select(p => CreateIndex(p, hnsw)).ToArray();
        _keywordIndexes = model.DataProperties.Where(p => p.IsFullTextIndexed).Select(_ => new Bm25Index(bm25)).ToArray();
    }

    public Type RecordType { get; }

    /// <summary>Gets a description of everything the indexes depend on, to refuse a second collection object with another layout on the same name.</summary>
    public string Schema { get; }

    public int Count => _rows.Count;

    public IVectorIndex<long> VectorIndex(int vectorProperty) => _vectorIndexes[vectorProperty];

    public Bm25Index KeywordIndex(int fullTextProperty) => _keywordIndexes[fullTextProperty];

    public static string ChunkId(long rowId) => rowId.ToString(CultureInfo.InvariantCulture);

    public static long RowIdOf(string chunkId) => long.Parse(chunkId, CultureInfo.InvariantCulture);

    public static string SchemaOf(Type recordType, CollectionModel model) => string.Join("; ", model.Properties.Select(p => p switch
    {
        VectorPropertyModel v => $"{v.ModelName}: vector({v.Dimensions}, {v.DistanceFunction ?? DistanceFunction.CosineSimilarity}, {VectorScoring.IndexKindOf(v)})",
        DataPropertyModel d => $"{d.ModelName}: {d.Type.Name}{(d.IsIndexed ? " indexed" : string.Empty)}{(d.IsFullTextIndexed ? " full-text" : string.Empty)}",
        _ => $"{p.ModelName}: key {p.Type.Name}",
    }).Prepend(recordType.Name));

    public bool TryGet(TKey key, out StoredRecord<TKey> row)
    {
        row = null!;
        return _rowIds.TryGetValue(key, out var rowId) && _rows.TryGetValue(rowId, out row!);
    }

    public StoredRecord<TKey>? Row(long rowId) => _rows.TryGetValue(rowId, out var row) ? row : null;

    /// <summary>Gets the live records in insertion order (of first insertion of each key).</summary>
    public IEnumerable<StoredRecord<TKey>> Rows() => _rows.Values.OrderBy(r => r.RowId);

    /// <summary>Stores already validated records; a key repeated in the batch keeps its last record.</summary>
    /// <param name="records">Key, data, vectors and metadata of each record; the full-text values are in <paramref name="fullTexts"/>.</param>
    /// <param name="fullTexts">For each record, the text of each full-text property (null when the property is null).</param>
    public void Upsert(IReadOnlyList<(TKey Key, object?[] Data, float[]?[] Vectors, IReadOnlyDictionary<string, string> Metadata)> records, IReadOnlyList<string?[]> fullTexts)
    {
        lock (_writeGate)
        {
            var rows = new StoredRecord<TKey>[records.Count];
            var assigned = new Dictionary<TKey, long>();
            for (var i = 0; i < records.Count; i++)
            {
                var (key, data, vectors, metadata) = records[i];
                if (!assigned.TryGetValue(key, out var rowId) && !_rowIds.TryGetValue(key, out rowId))
                {
                    rowId = ++_lastRowId;
                }

                assigned[key] = rowId;
                rows[i] = new StoredRecord<TKey>(rowId, key, data, vectors, metadata);
            }

            for (var p = 0; p < _vectorIndexes.Length; p++)
            {
                _vectorIndexes[p].UpsertRange(rows.Where(r => r.Vectors[p] is not null).Select(r => new VectorEntry<long>(r.RowId, r.Vectors[p], r.Metadata)));
                _vectorIndexes[p].RemoveRange(rows.Where(r => r.Vectors[p] is null).Select(r => r.RowId));
            }

            for (var i = 0; i < rows.Length; i++)
            {
                for (var f = 0; f < _keywordIndexes.Length; f++)
                {
                    var id = ChunkId(rows[i].RowId);
                    _keywordIndexes[f].Upsert(new TextChunk { Id = id, SourceId = id, Text = fullTexts[i][f] ?? string.Empty, Metadata = rows[i].Metadata });
                }

                _rows[rows[i].RowId] = rows[i];
                _rowIds[rows[i].Key] = rows[i].RowId;
            }
        }
    }

    public void Delete(IEnumerable<TKey> keys)
    {
        lock (_writeGate)
        {
            var rowIds = new List<long>();
            foreach (var key in keys)
            {
                if (_rowIds.TryRemove(key, out var rowId))
                {
                    rowIds.Add(rowId);
                }
            }

            foreach (var index in _vectorIndexes)
            {
                index.RemoveRange(rowIds);
            }

            foreach (var rowId in rowIds)
            {
                foreach (var index in _keywordIndexes)
                {
                    index.Remove(ChunkId(rowId));
                }

                _rows.TryRemove(rowId, out _);
            }
        }
    }

    public void Dispose()
    {
        foreach (var index in _vectorIndexes)
        {
            index.Dispose();
        }

        foreach (var index in _keywordIndexes)
        {
            index.Dispose();
        }
    }

    private static IVectorIndex<long> CreateIndex(VectorPropertyModel property, HnswOptions? hnsw)
    {
        var metric = VectorScoring.For(property).Metric;
        return VectorScoring.IndexKindOf(property) switch
        {
            IndexKind.Hnsw => new HnswVectorIndex<long>(property.Dimensions, metric, hnsw),
            IndexKind.QuantizedFlat => new QuantizedVectorIndex<long>(property.Dimensions, metric),
            _ => new FlatVectorIndex<long>(property.Dimensions, metric),
        };
    }
}
