using System.Runtime.CompilerServices;

namespace LlmStrategies.VectorSearch.Kernels;

/// <summary>
/// Fixed-capacity top-k over (score, slot) pairs in caller-provided storage: a binary min-heap whose root is the
/// worst kept hit, so a candidate that cannot enter costs one compare against <see cref="Threshold"/>. Order is
/// score descending, then slot ascending — the deterministic tie-break every index uses (earlier insertion wins).
/// </summary>
internal ref struct TopK
{
    private readonly Span<float> _scores;
    private readonly Span<int> _slots;
    private readonly int _capacity;
    private int _count;

    public TopK(Span<float> scores, Span<int> slots, int capacity)
    {
        _scores = scores;
        _slots = slots;
        _capacity = capacity;
        _count = 0;
        Threshold = float.NegativeInfinity;
    }

    /// <summary>Resumes a heap of <paramref name="count"/> hits left in <paramref name="scores"/>/<paramref name="slots"/> by an earlier instance.</summary>
    public TopK(Span<float> scores, Span<int> slots, int capacity, int count)
        : this(scores, slots, capacity)
    {
        _count = count;
        Threshold = count == capacity ? scores[0] : float.NegativeInfinity;
    }

    /// <summary>The worst kept score once full; negative infinity before. A score below it cannot enter.</summary>
    public float Threshold { get; private set; }

    public readonly int Count => _count;

    public readonly bool IsFull => _count == _capacity;

    /// <summary>True when (<paramref name="s1"/>, <paramref name="slot1"/>) ranks before (<paramref name="s2"/>, <paramref name="slot2"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Better(float s1, int slot1, float s2, int slot2) => s1 > s2 || (s1 == s2 && slot1 < slot2);

    /// <summary>True when a hit with this score and slot would be kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool WouldAccept(float score, int slot) => _count < _capacity || Better(score, slot, _scores[0], _slots[0]);

    /// <summary>Offers a hit; keeps it when it ranks among the best <c>capacity</c> so far.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Push(float score, int slot)
    {
        if (_count < _capacity)
        {
            SiftUp(_count++, score, slot);
            if (_count == _capacity)
            {
                Threshold = _scores[0];
            }
        }
        else if (Better(score, slot, _scores[0], _slots[0]))
        {
            SiftDown(score, slot);
            Threshold = _scores[0];
        }
    }

    /// <summary>Sorts the kept hits best-first in place and returns how many there are.</summary>
    public int SortDescending()
    {
        // Heap-sort: repeatedly move the worst (root) to the end of the shrinking heap.
        var n = _count;
        for (var end = n - 1; end > 0; end--)
        {
            var worstScore = _scores[0];
            var worstSlot = _slots[0];
            var lastScore = _scores[end];
            var lastSlot = _slots[end];
            _count = end;
            SiftDown(lastScore, lastSlot);
            _scores[end] = worstScore;
            _slots[end] = worstSlot;
        }

        _count = n;
        return n;
    }

    public readonly float ScoreAt(int i) => _scores[i];

    public readonly int SlotAt(int i) => _slots[i];

    private readonly void SiftUp(int i, float score, int slot)
    {
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Better(_scores[parent], _slots[parent], score, slot))
            {
                break;
            }

            _scores[i] = _scores[parent];
            _slots[i] = _slots[parent];
            i = parent;
        }

        _scores[i] = score;
        _slots[i] = slot;
    }

    // Places (score, slot) at the root position and sifts it down: the root holds the worst-ranked hit.
    private readonly void SiftDown(float score, int slot)
    {
        var i = 0;
        var n = _count;
        while (true)
        {
            var child = (2 * i) + 1;
            if (child >= n)
            {
                break;
            }

            if (child + 1 < n && Better(_scores[child], _slots[child], _scores[child + 1], _slots[child + 1]))
            {
                child++;
            }

            if (!Better(score, slot, _scores[child], _slots[child]))
            {
                break;
            }

            _scores[i] = _scores[child];
            _slots[i] = _slots[child];
            i = child;
        }

        _scores[i] = score;
        _slots[i] = slot;
    }
}
