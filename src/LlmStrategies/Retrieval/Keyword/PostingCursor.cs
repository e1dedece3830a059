namespace LlmStrategies.Retrieval.Keyword;

/// <summary>A position in one query term's posting list.</summary>
internal struct PostingCursor(PostingList postings, double weight, double upperBound)
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
