namespace LlmStrategies.Postgres.Retrieval;

/// <summary>A chunk with its embedding computed beforehand, for bulk ingest without calling the model again.</summary>
/// <param name="Chunk">The chunk.</param>
/// <param name="Embedding">Its embedding, of the collection's dimension; the same model must embed the queries.</param>
public readonly record struct EmbeddedChunk(TextChunk Chunk, ReadOnlyMemory<float> Embedding);
