namespace LlmStrategies.Retrieval.Keyword;

/// <summary>A fixed-size min-heap of (score, slot): the worst kept hit on top; ties favour the earlier slot.</summary>
internal ref struct ScoredSlotHeap(double[] scores, int[] slots, int capacity)
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
