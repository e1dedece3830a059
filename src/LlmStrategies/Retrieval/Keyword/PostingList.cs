namespace LlmStrategies.Retrieval.Keyword;

/// <summary>One term's postings: chunk slots in increasing order with the term's frequency in each.</summary>
internal sealed class PostingList
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
