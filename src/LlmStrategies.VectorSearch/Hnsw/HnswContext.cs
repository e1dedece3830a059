using System.Numerics;
using System.Runtime.CompilerServices;

namespace LlmStrategies.VectorSearch.Hnsw;

/// <summary>
/// Per-search scratch, pooled by the index and reused: a visited set stamped with an epoch (cleared only when the
/// 16-bit epoch wraps), the candidate max-heap, the result heap storage and buffers for one node's links. It is
/// reallocated only when the index has grown past it, so steady-state searches allocate nothing.
/// </summary>
internal sealed class HnswContext
{
    private ushort[] _marks = [];
    private ushort _epoch;

    public float[] CandidateScores { get; private set; } = new float[256];

    public int[] CandidateIds { get; private set; } = new int[256];

    public int CandidateCount { get; set; }

    public float[] ResultScores { get; private set; } = [];

    public int[] ResultIds { get; private set; } = [];

    public int[] Links { get; private set; } = [];

    public int[] Gathered { get; private set; } = [];

    public float[] GatheredScores { get; private set; } = [];

    public int[] Selected { get; private set; } = [];

    public float[] PruneScores { get; private set; } = [];

    public int[] PruneIds { get; private set; } = [];

    public void Ensure(int nodes, int ef, int maxLinks)
    {
        if (_marks.Length < nodes)
        {
            _marks = new ushort[Math.Max(nodes, _marks.Length * 2)];
            _epoch = 0;
        }

        // The candidate heap rarely holds more than a few times ef entries: sized up front, a search does not grow it (an
        // allocation) the first time a query needs more room than the queries before it.
        var candidates = Math.Max(256, (int)BitOperations.RoundUpToPowerOf2((uint)(8 * ef)));
        if (CandidateScores.Length < candidates)
        {
            CandidateScores = new float[candidates];
            CandidateIds = new int[candidates];
        }

        if (ResultScores.Length < ef)
        {
            ResultScores = new float[ef];
            ResultIds = new int[ef];
            Selected = new int[ef];
        }

        if (Links.Length < maxLinks + 1)
        {
            Links = new int[maxLinks + 1];
            Gathered = new int[maxLinks + 1];
            GatheredScores = new float[maxLinks + 4];
            PruneScores = new float[maxLinks + 2];
            PruneIds = new int[maxLinks + 2];
        }
    }

    public void NewEpoch()
    {
        if (++_epoch == 0)
        {
            Array.Clear(_marks);
            _epoch = 1;
        }
    }

    /// <summary>Marks <paramref name="node"/> visited; returns false when it already was.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryMark(int node)
    {
        ref var mark = ref _marks[node];
        if (mark == _epoch)
        {
            return false;
        }

        mark = _epoch;
        return true;
    }

    // ---- candidate max-heap (best at the root), ordered like TopK: score descending, then node ascending ----

    public void PushCandidate(float score, int node)
    {
        if (CandidateCount == CandidateScores.Length)
        {
            var scores = CandidateScores;
            var ids = CandidateIds;
            Array.Resize(ref scores, scores.Length * 2);
            Array.Resize(ref ids, ids.Length * 2);
            CandidateScores = scores;
            CandidateIds = ids;
        }

        var s = CandidateScores;
        var n = CandidateIds;
        var i = CandidateCount++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!Kernels.TopK.Better(score, node, s[parent], n[parent]))
            {
                break;
            }

            s[i] = s[parent];
            n[i] = n[parent];
            i = parent;
        }

        s[i] = score;
        n[i] = node;
    }

    public void PopCandidate()
    {
        var s = CandidateScores;
        var n = CandidateIds;
        var count = --CandidateCount;
        if (count == 0)
        {
            return;
        }

        var score = s[count];
        var node = n[count];
        var i = 0;
        while (true)
        {
            var child = (2 * i) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && Kernels.TopK.Better(s[child + 1], n[child + 1], s[child], n[child]))
            {
                child++;
            }

            if (!Kernels.TopK.Better(s[child], n[child], score, node))
            {
                break;
            }

            s[i] = s[child];
            n[i] = n[child];
            i = child;
        }

        s[i] = score;
        n[i] = node;
    }
}
