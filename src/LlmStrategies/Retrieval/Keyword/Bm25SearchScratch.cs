namespace LlmStrategies.Retrieval.Keyword;

/// <summary>Per-search buffers, pooled by the index so searches allocate nothing after warm-up.</summary>
internal sealed class Bm25SearchScratch(int maxTokenLength)
{
    public char[] Normalized = new char[256];

    public char[] Token { get; } = new char[maxTokenLength + 1];

    public int[] TermIds { get; private set; } = new int[16];

    public int[] QueryFrequency { get; private set; } = new int[16];

    public PostingCursor[] Cursors { get; private set; } = new PostingCursor[16];

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
        Cursors = new PostingCursor[size];
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
